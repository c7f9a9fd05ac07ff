//go:build unix

package jepsen_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/jepsen"
)

// procPartition is the partition whose leader the process scenarios fault.
const procPartition = 1

// procWorkload is the register workload of the process scenarios.
func procWorkload(seed uint64, endpoints, pinned []string) jepsen.WorkloadConfig {
	return jepsen.WorkloadConfig{Endpoints: endpoints, Pinned: pinned, Clients: 4, Ops: 500,
		RotateEvery: 100, Seed: seed, MinKnown: 250, OpTimeout: 2 * time.Second}
}

// procVictim returns the leader of procPartition, logging it.
func procVictim(t *testing.T, c *procCluster) int {
	t.Helper()
	victim, err := c.waitLeader(procPartition)
	require.NoError(t, err)
	t.Logf("%s leads partition %d", c.ids[victim], procPartition)
	return victim
}

// without returns list less its element i.
func without(list []string, i int) []string {
	return append(append([]string{}, list[:i]...), list[i+1:]...)
}

// The leader of a partition is SIGKILLed mid-workload, another takes over,
// and it restarts on its data directory: the history stays linearizable.
func TestJepsenProcessLeaderKilled(t *testing.T) {
	eachSeed(t, testProcessLeaderKilled)
}

func testProcessLeaderKilled(t *testing.T, seed uint64) {
	c := startProcCluster(t, seed)
	victim := procVictim(t, c)
	cfg := procWorkload(seed, c.endpoints, nil)
	runRegisterWith(t, cfg, jepsen.NewHistory(), func(h *jepsen.History) error {
		if err := poll("100 operations", func() bool { return h.Len() >= 100 }); err != nil {
			return err
		}
		if err := c.kill(victim); err != nil {
			return err
		}
		t.Logf("killed %s after %d operations", c.ids[victim], h.Len())
		if _, err := c.waitLeader(procPartition, victim); err != nil {
			return err
		}
		if err := poll("250 operations", func() bool { return h.Len() >= 250 }); err != nil {
			return err
		}
		t.Logf("restarting %s after %d operations", c.ids[victim], h.Len())
		return c.restart(victim)
	})
}

// The leader of a partition is cut off from its peers while a client
// pinned to it keeps talking to it: the history stays linearizable, the
// pinned client kept calling it while it was cut off, and no operation
// called after the cut and answered before the heal was served by the
// cut-off node (the node may forward a request over HTTP, which is not cut,
// to the partition's new leader: that one serves it).
func TestJepsenProcessLeaderCutOff(t *testing.T) {
	eachSeed(t, testProcessLeaderCutOff)
}

func testProcessLeaderCutOff(t *testing.T, seed uint64) {
	c := startProcCluster(t, seed)
	victim := procVictim(t, c)
	cfg := procWorkload(seed, without(c.endpoints, victim), c.endpoints[victim:victim+1])
	// The other clients finish operations far faster than the pinned one
	// fails them: enough operations that the run outlasts its calls.
	cfg.Ops, cfg.MinKnown, cfg.OpTimeout = 1200, 600, time.Second
	pinned := cfg.Clients
	var cutAt, healAt int64
	h := jepsen.NewHistory()
	runRegisterWith(t, cfg, h, func(h *jepsen.History) error {
		if err := poll("100 operations", func() bool { return h.Len() >= 100 }); err != nil {
			return err
		}
		c.cut(victim)
		cutAt = h.Now()
		t.Logf("cut off %s after %d operations", c.ids[victim], h.Len())
		calls := 0
		err := poll("2 calls of the pinned client while cut off and 250 operations", func() bool {
			answered, failed := window(h, pinned, cutAt, h.Now())
			calls = len(answered) + len(failed)
			return calls >= 2 && h.Len() >= 250
		})
		if err != nil {
			err = fmt.Errorf("%w (%d operations, %d pinned calls)", err, h.Len(), calls)
		}
		healAt = h.Now()
		c.heal(victim)
		t.Logf("healed %s after %d operations", c.ids[victim], h.Len())
		return err
	})
	var served []jepsen.Op
	for _, op := range append(h.Ops(), h.Failed()...) {
		if succeeded(op) && op.Node == c.ids[victim] && op.Call >= cutAt && op.Return <= healAt {
			served = append(served, op)
		}
	}
	require.Empty(t, served, "operations served by the cut-off node %s", c.ids[victim])
	answered, failed := window(h, pinned, cutAt, healAt)
	t.Logf("while cut off the pinned client had %d operations answered (forwarded to other nodes), %d failed", len(answered), len(failed))
	require.GreaterOrEqual(t, len(answered)+len(failed), 2, "the pinned client kept talking to the cut-off node")
}

// The leader of a partition is paused with SIGSTOP while the workload goes
// on against the other nodes and a client pinned to it; once another node
// leads, it is resumed and read from at once: the history, those reads
// included, stays linearizable.
func TestJepsenProcessLeaderPaused(t *testing.T) {
	eachSeed(t, testProcessLeaderPaused)
}

func testProcessLeaderPaused(t *testing.T, seed uint64) {
	c := startProcCluster(t, seed)
	victim := procVictim(t, c)
	cfg := procWorkload(seed, without(c.endpoints, victim), c.endpoints[victim:victim+1])
	reader := cfg.Clients + len(cfg.Pinned)
	runRegisterWith(t, cfg, jepsen.NewHistory(), func(h *jepsen.History) error {
		if err := poll("100 operations", func() bool { return h.Len() >= 100 }); err != nil {
			return err
		}
		if err := c.pause(victim); err != nil {
			return err
		}
		t.Logf("paused %s after %d operations", c.ids[victim], h.Len())
		if _, err := c.waitLeader(procPartition, victim); err != nil {
			return errors.Join(err, c.resume(victim))
		}
		if err := poll("250 operations", func() bool { return h.Len() >= 250 }); err != nil {
			return errors.Join(err, c.resume(victim))
		}
		if err := c.resume(victim); err != nil {
			return err
		}
		n := readFrom(h, c.endpoints[victim], reader, fmt.Sprintf("jepsen/%d/", h.Len()/cfg.RotateEvery), 3)
		t.Logf("resumed %s after %d operations; %d of its first reads answered", c.ids[victim], h.Len(), n)
		return nil
	})
}

// readFrom reads keys prefix0 .. prefix(keys-1) from endpoint alone as
// client, recording every read answered in h, and returns how many were.
// A read that failed changed nothing, so it is recorded as failed.
func readFrom(h *jepsen.History, endpoint string, client int, prefix string, keys int) int {
	kc, err := kv.NewClient(kv.ClientConfig{Endpoints: []string{endpoint}, MaxAttempts: 1})
	if err != nil {
		return 0
	}
	defer kc.Close()
	answered := 0
	for i := range keys {
		op := jepsen.Op{Client: client, Kind: jepsen.KindGet, Key: fmt.Sprintf("%s%d", prefix, i)}
		if recordGet(h, kc, op) {
			answered++
		}
	}
	return answered
}

// recordGet runs the get op with kc and records it in h; it reports
// whether the read was answered.
func recordGet(h *jepsen.History, kc *kv.Client, op jepsen.Op) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	info := &kv.CallInfo{}
	call := h.Now()
	v, err := kc.Get(kv.WithCallInfo(ctx, info), op.Key)
	op.Node = info.Node
	switch {
	case err == nil:
		op.Found, op.Output = true, string(v.Data)
	case !errors.Is(err, kv.ErrNotFound):
		h.Fail(op, call, err)
		return false
	}
	h.Complete(op, call)
	return true
}
