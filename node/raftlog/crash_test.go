package raftlog

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

// crashDirEnv names the directory the child process of
// TestCrashMidWriteKeepsAcknowledgedWrites writes to, and crashSyncsEnv
// its Options.ConcurrentSyncs.
const (
	crashDirEnv   = "RAFTLOG_CRASH_CHILD_DIR"
	crashSyncsEnv = "RAFTLOG_CRASH_CHILD_SYNCS"
)

const crashGroups = 4

// crashEntry is the entry the crash test stores at index i of group g:
// 4 to 128 KiB of data derived from both, so that batches are large and a
// kill can land inside a write (Linux stops copying a write into the page
// cache at a fatal signal, between pages).
func crashEntry(g, i uint64) *raft.Log {
	e := testEntry(g, i, 1)
	e.Data = append(e.Data, bytes.Repeat([]byte{byte(g), byte(i)}, 2048*int(1+i%32))...)
	return e
}

// acked is what the child reported as acknowledged, per group.
type acked struct {
	last, deleted, term [crashGroups + 1]uint64
}

// TestCrashMidWriteKeepsAcknowledgedWrites runs a child process that
// writes to four groups at once and reports every acknowledged write,
// kills it with SIGKILL while it writes, and checks that every write it
// reported survives: four times over the same directory, with one and
// then with four fsyncs in flight at once.
func TestCrashMidWriteKeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir, ack := t.TempDir(), &acked{}
	for round := range 4 {
		runChildAndKill(t, dir, ack, 200, 1+3*(round%2))
		torn := checkAcknowledged(t, dir, ack)
		t.Logf("round %d: last indexes %v, %d torn bytes cut", round, ack.last[1:], torn)
	}
}

func runChildAndKill(t *testing.T, dir string, ack *acked, acks, syncs int) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, fmt.Sprint(crashSyncsEnv, "=", syncs))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	lines := bufio.NewScanner(out)
	for n := 0; n < acks && lines.Scan(); n++ {
		ack.record(lines.Text())
	}
	require.NoError(t, cmd.Process.Kill())
	for lines.Scan() { // acknowledged before the kill took effect
		ack.record(lines.Text())
	}
	require.Error(t, cmd.Wait(), "the child was killed, not finished")
}

func (a *acked) record(line string) {
	var kind string
	var g, v uint64
	if n, _ := fmt.Sscanf(line, "%s %d %d", &kind, &g, &v); n != 3 || g == 0 || g > crashGroups {
		return
	}
	switch kind {
	case "append":
		a.last[g] = max(a.last[g], v)
	case "delete":
		a.deleted[g] = max(a.deleted[g], v)
	case "term":
		a.term[g] = max(a.term[g], v)
	}
}

// checkAcknowledged reopens the log and checks every acknowledged write;
// it returns the bytes recovery cut from a torn tail.
func checkAcknowledged(t *testing.T, dir string, ack *acked) int64 {
	l, err := Open(dir, Options{SegmentSize: 256 << 10})
	require.NoError(t, err)
	defer func() { require.NoError(t, l.Close()) }()
	for g := uint64(1); g <= crashGroups; g++ {
		s := mustGroup(t, l, g)
		first, err := s.FirstIndex()
		require.NoError(t, err)
		last, err := s.LastIndex()
		require.NoError(t, err)
		require.GreaterOrEqual(t, last, ack.last[g], "group %d lost acknowledged entries at its tail", g)
		require.Greater(t, first, ack.deleted[g], "group %d kept entries an acknowledged delete removed", g)
		require.True(t, first == 1 || wasDeletePoint(first-1, last), "group %d starts at %d, after no delete the child made", g, first)
		for i := first; i <= last; i++ {
			requireEntry(t, s, crashEntry(g, i))
		}
		term, err := s.GetUint64([]byte("CurrentTerm"))
		if ack.term[g] > 0 {
			require.NoError(t, err)
			require.GreaterOrEqual(t, term, ack.term[g])
		}
	}
	return l.Stats().TornBytes
}

// wasDeletePoint reports whether the child deletes entries up to d, which
// it does once it stored index d+20 (a multiple of 50); an unacknowledged
// delete may have reached the disk.
func wasDeletePoint(d, last uint64) bool {
	return (d+20)%50 == 0 && d+20 <= last
}

// TestCrashChild is the child process of
// TestCrashMidWriteKeepsAcknowledgedWrites; it writes until killed.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("run by TestCrashMidWriteKeepsAcknowledgedWrites")
	}
	syncs, err := strconv.Atoi(os.Getenv(crashSyncsEnv))
	require.NoError(t, err)
	l, err := Open(dir, Options{SegmentSize: 256 << 10, ConcurrentSyncs: syncs})
	require.NoError(t, err)
	var mu sync.Mutex // one report line at a time
	report := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		_, _ = fmt.Fprintf(os.Stdout, format+"\n", args...)
	}
	var wg sync.WaitGroup
	for g := uint64(1); g <= crashGroups; g++ {
		s := mustGroup(t, l, g)
		wg.Go(func() { t.Error(crashWriter(s, report)) })
	}
	wg.Wait()
}

// crashWriter appends 1 to 3 entries at a time, sets the term every 25
// entries and deletes all but the last 20 entries every 50, reporting each
// write once acknowledged. It returns only on error.
func crashWriter(s *GroupStore, report func(string, ...any)) error {
	next, err := s.LastIndex()
	if err != nil {
		return err
	}
	for next++; ; next += 1 + next%3 {
		logs := []*raft.Log{crashEntry(s.ID(), next)}
		for i := next + 1; i <= next+next%3; i++ {
			logs = append(logs, crashEntry(s.ID(), i))
		}
		if err := s.StoreLogs(logs); err != nil {
			return err
		}
		last := logs[len(logs)-1].Index
		report("append %d %d", s.ID(), last)
		if err := crashHousekeeping(s, next, last, report); err != nil {
			return err
		}
	}
}

func crashHousekeeping(s *GroupStore, from, last uint64, report func(string, ...any)) error {
	for i := from; i <= last; i++ {
		if i%25 == 0 {
			if err := s.SetUint64([]byte("CurrentTerm"), i); err != nil {
				return err
			}
			report("term %d %d", s.ID(), i)
		}
		if i%50 == 0 && i > 20 {
			if err := s.DeleteRange(1, i-20); err != nil {
				return err
			}
			report("delete %d %d", s.ID(), i-20)
		}
	}
	return nil
}
