package jepsen

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/treekv/kv"
	"github.com/treekv/kv/node"
)

// Digest returns a hash of entries, in their order: every key, value,
// create and mod revision and version. Two replicas that hold the same
// entries have the same digest; any difference changes it.
func Digest(entries []node.Entry) string {
	h := sha256.New()
	var buf []byte
	for _, e := range entries {
		buf = binary.AppendUvarint(buf[:0], uint64(len(e.Key)))
		buf = append(buf, e.Key...)
		buf = binary.AppendUvarint(buf, uint64(len(e.Value)))
		buf = append(buf, e.Value...)
		buf = binary.AppendUvarint(buf, e.CreateRevision)
		buf = binary.AppendUvarint(buf, e.ModRevision)
		buf = binary.AppendUvarint(buf, e.Version)
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ReplicaDigest returns the Digest of every entry rep's state machine holds.
func ReplicaDigest(rep *node.Replica) string {
	return Digest(rep.FSM().Scan("", "", 0))
}

// convergePoll is how often CheckConverged looks at the replicas again.
const convergePoll = 10 * time.Millisecond

// CheckConverged checks that every running replica of partition pid in c
// holds the same entries. It confirms the leader's state with a read
// barrier, waits until every replica has applied the leader's applied index,
// then compares their digests once every replica is seen at one applied
// index (a write whose caller gave up may still apply meanwhile). It fails
// when the digests differ, or when ctx ends before the replicas settle.
func CheckConverged(ctx context.Context, c *kv.LocalCluster, pid uint64) error {
	target, err := leaderApplied(ctx, c, pid)
	if err != nil {
		return err
	}
	reps, err := caughtUp(ctx, c, pid, target)
	if err != nil {
		return err
	}
	var digests map[string]string
	var at uint64
	err = pollCtx(ctx, fmt.Sprintf("partition %d's replicas to settle at one applied index", pid), func() bool {
		digests, at = map[string]string{}, 0
		for id, rep := range reps {
			d, index, ok := digestAt(rep)
			if !ok || (at != 0 && index != at) {
				return false
			}
			digests[id], at = d, index
		}
		return true
	})
	if err != nil {
		return err
	}
	if distinct(digests) > 1 {
		return fmt.Errorf("partition %d: replicas diverge at applied index %d: digests %v", pid, at, digests)
	}
	return nil
}

// digestAt returns rep's digest and the applied index it was taken at; ok
// is false when an entry applied while it was taken.
func digestAt(rep *node.Replica) (digest string, index uint64, ok bool) {
	before := rep.FSM().AppliedIndex()
	digest = ReplicaDigest(rep)
	return digest, before, rep.FSM().AppliedIndex() == before
}

// distinct counts the different values of m.
func distinct(m map[string]string) int {
	seen := map[string]bool{}
	for _, v := range m {
		seen[v] = true
	}
	return len(seen)
}

// leaderApplied runs a read barrier on pid's leader, retrying until one
// passes, and returns the leader's applied index after it.
func leaderApplied(ctx context.Context, c *kv.LocalCluster, pid uint64) (uint64, error) {
	var applied uint64
	err := pollCtx(ctx, fmt.Sprintf("a read barrier on partition %d's leader", pid), func() bool {
		rep, ok := leaderReplica(c, pid)
		if !ok {
			return false
		}
		bctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		if rep.ReadBarrier(bctx) != nil {
			return false
		}
		applied = rep.FSM().AppliedIndex()
		return true
	})
	return applied, err
}

func leaderReplica(c *kv.LocalCluster, pid uint64) (*node.Replica, bool) {
	i, ok := c.Leader(pid)
	if !ok {
		return nil, false
	}
	n := c.Node(i)
	if n == nil {
		return nil, false
	}
	return n.Replica(pid)
}

// caughtUp waits until every running replica of pid has applied index and
// returns them by node ID.
func caughtUp(ctx context.Context, c *kv.LocalCluster, pid, index uint64) (map[string]*node.Replica, error) {
	var reps map[string]*node.Replica
	err := pollCtx(ctx, fmt.Sprintf("partition %d's replicas to apply index %d", pid, index), func() bool {
		reps = map[string]*node.Replica{}
		for i := range c.Size() {
			n := c.Node(i)
			if n == nil {
				continue
			}
			rep, ok := n.Replica(pid)
			if !ok {
				continue
			}
			if rep.FSM().AppliedIndex() < index {
				return false
			}
			reps[n.ID()] = rep
		}
		return true
	})
	return reps, err
}

// pollCtx calls cond until it holds, or fails naming what when ctx ends.
func pollCtx(ctx context.Context, what string, cond func() bool) error {
	ticker := time.NewTicker(convergePoll)
	defer ticker.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		case <-ticker.C:
		}
	}
	return nil
}
