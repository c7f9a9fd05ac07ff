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

// procWorkload is the register workload of the process scenarios, run
// until the scenario's fault is over.
func procWorkload(seed uint64, endpoints, pinned []string) jepsen.WorkloadConfig {
	return jepsen.WorkloadConfig{Endpoints: endpoints, Pinned: pinned, Clients: 4, Ops: untilStopped,
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
// and it restarts on its data directory: the history stays linearizable,
// and within a bound of the restart every client, one pinned to the
// restarted node included, succeeds again.
func TestJepsenProcessLeaderKilled(t *testing.T) {
	eachSeed(t, testProcessLeaderKilled)
}

func testProcessLeaderKilled(t *testing.T, seed uint64) {
	c := startProcCluster(t, seed)
	victim := procVictim(t, c)
	cfg := procWorkload(seed, c.endpoints, c.endpoints[victim:victim+1])
	h := jepsen.NewHistory()
	span := procSpan{what: "restart of " + c.ids[victim]}
	procRegister(t, cfg, h, func() error {
		if err := progress(h, 100); err != nil {
			return err
		}
		span.faultAt = h.Now()
		if err := c.kill(victim); err != nil {
			return err
		}
		t.Logf("killed %s after %d operations", c.ids[victim], h.Len())
		if _, err := c.waitLeader(procPartition, victim); err != nil {
			return err
		}
		if err := progress(h, 150); err != nil {
			return err
		}
		t.Logf("restarting %s after %d operations", c.ids[victim], h.Len())
		if err := c.restart(victim); err != nil {
			return err
		}
		span.healedAt = h.Now()
		return awaitRecovery(h, span.healedAt)
	})
	requireRecoveries(t, procAllOps(h), []procSpan{span})
}

// The leader of a partition is cut off from its peers while a client
// pinned to it keeps talking to it: the history stays linearizable, the
// pinned client kept calling it while it was cut off, no operation called
// after the cut (past inFlightGrace) and answered before the heal was
// served by the cut-off node (the node may forward a request over HTTP, which is not cut, to the
// partition's new leader: that one serves it), and within a bound of the
// heal every client succeeds again.
func TestJepsenProcessLeaderCutOff(t *testing.T) {
	eachSeed(t, testProcessLeaderCutOff)
}

func testProcessLeaderCutOff(t *testing.T, seed uint64) {
	c := startProcCluster(t, seed)
	victim := procVictim(t, c)
	cfg := procWorkload(seed, without(c.endpoints, victim), c.endpoints[victim:victim+1])
	cfg.OpTimeout = time.Second
	pinned := cfg.Clients
	span := procSpan{what: "heal of " + c.ids[victim]}
	var healAt int64 // the last moment before the heal
	h := jepsen.NewHistory()
	procRegister(t, cfg, h, func() error {
		if err := progress(h, 100); err != nil {
			return err
		}
		c.cut(victim)
		span.faultAt = h.Now()
		t.Logf("cut off %s after %d operations", c.ids[victim], h.Len())
		err := pinnedCalls(h, pinned, span.faultAt, 2, h.Len()+150)
		healAt = h.Now()
		c.heal(victim)
		span.healedAt = h.Now()
		t.Logf("healed %s after %d operations", c.ids[victim], h.Len())
		if err != nil {
			return err
		}
		return awaitRecovery(h, span.healedAt)
	})
	var served []jepsen.Op
	for _, op := range procAllOps(h) {
		if succeeded(op) && op.Node == c.ids[victim] && op.Call >= span.faultAt+inFlightGrace.Nanoseconds() && op.Return <= healAt {
			served = append(served, op)
		}
	}
	require.Empty(t, served, "operations served by the cut-off node %s", c.ids[victim])
	answered, failed := window(h, pinned, span.faultAt, healAt)
	t.Logf("while cut off the pinned client had %d operations answered (forwarded to other nodes), %d failed", len(answered), len(failed))
	require.GreaterOrEqual(t, len(answered)+len(failed), 2, "the pinned client kept talking to the cut-off node")
	requireRecoveries(t, procAllOps(h), []procSpan{span})
}

// pinnedCalls waits until client has made calls calls since from and h
// holds ops operations.
func pinnedCalls(h *jepsen.History, client int, from int64, calls, ops int) error {
	made := 0
	err := poll(fmt.Sprintf("%d calls of the pinned client while cut off and %d operations", calls, ops), func() bool {
		answered, failed := window(h, client, from, h.Now())
		made = len(answered) + len(failed)
		return made >= calls && h.Len() >= ops
	})
	if err != nil {
		return fmt.Errorf("%w (%d operations, %d pinned calls)", err, h.Len(), made)
	}
	return nil
}

// The leader of a partition is paused with SIGSTOP while the workload goes
// on against the other nodes and a client pinned to it; once another node
// leads, it is resumed and read from at once: the history, those reads
// included, stays linearizable, and within a bound of the resume every
// client of the workload succeeds again.
func TestJepsenProcessLeaderPaused(t *testing.T) {
	eachSeed(t, testProcessLeaderPaused)
}

func testProcessLeaderPaused(t *testing.T, seed uint64) {
	c := startProcCluster(t, seed)
	victim := procVictim(t, c)
	cfg := procWorkload(seed, without(c.endpoints, victim), c.endpoints[victim:victim+1])
	reader := cfg.Clients + len(cfg.Pinned)
	h := jepsen.NewHistory()
	span := procSpan{what: "resume of " + c.ids[victim]}
	procRegister(t, cfg, h, func() error {
		if err := progress(h, 100); err != nil {
			return err
		}
		span.faultAt = h.Now()
		if err := c.pause(victim); err != nil {
			return err
		}
		t.Logf("paused %s after %d operations", c.ids[victim], h.Len())
		if _, err := c.waitLeader(procPartition, victim); err != nil {
			return errors.Join(err, c.resume(victim))
		}
		if err := progress(h, 150); err != nil {
			return errors.Join(err, c.resume(victim))
		}
		if err := c.resume(victim); err != nil {
			return err
		}
		span.healedAt = h.Now()
		n := readFrom(h, c.endpoints[victim], reader, fmt.Sprintf("jepsen/%d/", h.Len()/cfg.RotateEvery), 3)
		t.Logf("resumed %s after %d operations; %d of its first reads answered", c.ids[victim], h.Len(), n)
		// The reader makes a few reads at once, to catch a stale one, and
		// stops: the pinned client of the workload shows the node's recovery.
		return awaitRecovery(h, span.healedAt, reader)
	})
	requireRecoveries(t, withoutClients(procAllOps(h), reader), []procSpan{span})
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
