package raftlog

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

// startQueued opens a log whose writer starts only when the returned
// function is called, so that a test can queue writes first.
func startQueued(t *testing.T) (*Log, func()) {
	l, err := open(t.TempDir(), Options{})
	require.NoError(t, err)
	return l, func() {
		go l.run()
		t.Cleanup(func() { _ = l.Close() })
	}
}

// queue runs write on its own goroutine and waits until it is queued, so
// that writes queue in the order queue is called.
func queue(t *testing.T, l *Log, wg *sync.WaitGroup, write func() error, errs *[]error, k int) {
	queued := len(l.reqs)
	wg.Go(func() { (*errs)[k] = write() })
	require.Eventually(t, func() bool { return len(l.reqs) == queued+1 }, 5*time.Second, time.Millisecond)
}

func TestWritesQueuedTogetherShareOneFsync(t *testing.T) {
	l, start := startQueued(t)
	const groups = 16
	var wg sync.WaitGroup
	errs := make([]error, 2*groups)
	for g := uint64(1); g <= groups; g++ {
		s := mustGroup(t, l, g)
		queue(t, l, &wg, func() error { return s.StoreLogs(testEntries(g, 1, 3, 1)) }, &errs, int(2*g-2))
		queue(t, l, &wg, func() error { return s.SetUint64([]byte("CurrentTerm"), g) }, &errs, int(2*g-1))
	}
	start()
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	stats := l.Stats()
	require.Equal(t, uint64(1), stats.Commits)
	require.Equal(t, uint64(1), stats.Syncs)
	require.Equal(t, uint64(2*groups), stats.Writes)
	for g := uint64(1); g <= groups; g++ {
		requireRange(t, mustGroup(t, l, g), 1, 3, 1)
	}
}

func TestOneCommitValidatesEachWriteAfterThoseBeforeIt(t *testing.T) {
	l, start := startQueued(t)
	s := mustGroup(t, l, 7)
	writes := []func() error{
		func() error { return s.StoreLogs(testEntries(7, 1, 5, 1)) },
		func() error { return s.DeleteRange(4, 5) },
		func() error { return s.StoreLogs(testEntries(7, 4, 6, 2)) },
		func() error { return s.StoreLogs(testEntries(7, 9, 9, 2)) }, // a gap after 6
		func() error { return s.DeleteRange(1, 2) },
	}
	var wg sync.WaitGroup
	errs := make([]error, len(writes))
	for k, w := range writes {
		queue(t, l, &wg, w, &errs, k)
	}
	start()
	wg.Wait()
	require.Equal(t, []error{nil, nil, nil, errs[3], nil}, errs)
	require.ErrorIs(t, errs[3], ErrNotContiguous)
	require.Equal(t, uint64(1), l.Stats().Commits)
	requireIndexes(t, s, 3, 6)
	requireEntry(t, s, testEntry(7, 3, 1))
	requireEntry(t, s, testEntry(7, 6, 2))
}

// TestManyGroupsConcurrently runs 8 groups of 8 writers each, as Raft
// leaders would (one append at a time per group), with a compactor per
// group deleting old entries and reading, all at once.
func TestManyGroupsConcurrently(t *testing.T) {
	for _, syncs := range []int{1, 4} {
		t.Run(fmt.Sprintf("ConcurrentSyncs=%d", syncs), func(t *testing.T) {
			opts := Options{SegmentSize: 64 << 10, ConcurrentSyncs: syncs}
			dir := t.TempDir()
			l := openTestLog(t, dir, opts)
			runLeaders(t, l, 8, 8, 25)
			stats := l.Stats()
			require.Less(t, stats.Commits, stats.Writes, "writes shared commits")
			require.NoError(t, l.Close())
			checkLeaders(t, openTestLog(t, dir, opts), 8, 8*25)
		})
	}
}

func runLeaders(t *testing.T, l *Log, groups, writers, appends int) {
	var wg sync.WaitGroup
	for g := range groups {
		leader := &testLeader{store: mustGroup(t, l, uint64(g+1))}
		for range writers {
			wg.Go(func() { leader.appendN(t, appends) })
		}
	}
	wg.Wait()
}

func checkLeaders(t *testing.T, l *Log, groups int, last uint64) {
	for g := range groups {
		s := mustGroup(t, l, uint64(g+1))
		first, err := s.FirstIndex()
		require.NoError(t, err)
		requireRange(t, s, first, last, 1)
	}
}

// testLeader appends to one group one entry at a time, as Raft's leader
// loop does for any number of clients.
type testLeader struct {
	mu    sync.Mutex
	store *GroupStore
	next  uint64
}

func (tl *testLeader) appendN(t *testing.T, n int) {
	for range n {
		tl.mu.Lock()
		tl.next++
		index := tl.next
		err := tl.store.StoreLog(testEntry(tl.store.ID(), index, 1))
		tl.mu.Unlock()
		if !assertNoError(t, err) {
			return
		}
		if index%20 == 0 {
			tl.compactAndRead(t, index)
		}
	}
}

// compactAndRead deletes the entries before stored-10 while other writers
// go on appending, as Raft's snapshot goroutine does, then reads stored
// unless a later compaction already deleted it.
func (tl *testLeader) compactAndRead(t *testing.T, stored uint64) {
	first, err := tl.store.FirstIndex()
	assertNoError(t, err)
	assertNoError(t, tl.store.DeleteRange(first, stored-10))
	var got raft.Log
	err = tl.store.GetLog(stored, &got)
	if first, _ := tl.store.FirstIndex(); errors.Is(err, raft.ErrLogNotFound) && first > stored {
		return
	}
	assertNoError(t, err)
	if got.Index != stored || string(got.Data) != string(testEntry(tl.store.ID(), stored, 1).Data) {
		t.Errorf("group %d index %d read %q", tl.store.ID(), stored, got.Data)
	}
}

// assertNoError reports err without stopping the test, for goroutines.
func assertNoError(t *testing.T, err error) bool {
	if err != nil {
		t.Errorf("unexpected error: %v", err)
	}
	return err == nil
}

func TestCommitIsDurableOnlyOnceEveryOverlappingFsyncReturned(t *testing.T) {
	tests := []struct {
		name    string
		commits []commit // in flight, oldest first
		want    []bool   // durable, per commit
	}{
		{"alone", []commit{{seq: 1, synced: true, barrier: 1}}, []bool{true}},
		{"still syncing", []commit{{seq: 1}}, []bool{false}},
		{"after an older one still syncing", []commit{{seq: 1}, {seq: 2, synced: true, barrier: 2}}, []bool{false, false}},
		{"a later one started before it returned", []commit{{seq: 1, synced: true, barrier: 2}, {seq: 2}}, []bool{false, false}},
		{"a later one started after it returned", []commit{{seq: 1, synced: true, barrier: 1}, {seq: 2}}, []bool{true, false}},
		{"all returned", []commit{{seq: 1, synced: true, barrier: 2}, {seq: 2, synced: true, barrier: 2}}, []bool{true, true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := &Log{}
			for i := range tc.commits {
				l.w.inflight = append(l.w.inflight, &tc.commits[i])
			}
			for i, c := range l.w.inflight {
				require.Equal(t, tc.want[i], l.durable(c), "commit %d", c.seq)
			}
		})
	}
}

func TestAFailedWriteFailsEveryLaterWrite(t *testing.T) {
	l, err := Open(t.TempDir(), Options{})
	require.NoError(t, err)
	s := mustGroup(t, l, 1)
	require.NoError(t, s.StoreLog(testEntry(1, 1, 1)))
	require.NoError(t, l.active.f.Close()) // the disk goes away

	err = s.StoreLog(testEntry(1, 2, 1))
	require.Error(t, err)
	require.Equal(t, err, s.SetUint64([]byte("CurrentTerm"), 2), "the failure is sticky")
	require.Equal(t, err, s.DeleteRange(1, 1))
	requireIndexes(t, s, 1, 1)
	require.ErrorIs(t, l.Close(), err)
}
