package node

import (
	"context"
	"encoding/binary"
	"errors"
	"time"

	"github.com/hashicorp/raft"
)

// enqueueTimeout bounds how long a proposal waits to enter Raft's queue; a
// proposal that times out there certainly did not apply.
const enqueueTimeout = 2 * time.Second

// Propose replicates cmd through the group's log and returns what applying
// it produced. Only the leader proposes: elsewhere it fails with a
// *NotLeaderError. An error matching ErrUnavailable means the command
// certainly did not apply; ErrIndeterminate means it may have (leadership
// lost after proposing, ctx done while waiting, shutdown), so the caller
// must retry with the same idempotency key, never report failure.
func (r *Replica) Propose(ctx context.Context, cmd *Command) (Result, error) {
	future, err := r.submit(cmd)
	if err != nil {
		return Result{}, err
	}
	if brokenAck() {
		return ackedUnapplied(cmd), nil
	}
	if err := waitFuture(ctx, future); err != nil {
		return Result{}, err
	}
	return r.outcome(future)
}

// submit hands cmd to Raft and returns at once, with the future of its
// entry. It fails with a *NotLeaderError on a replica that does not lead.
func (r *Replica) submit(cmd *Command) (raft.ApplyFuture, error) {
	if !r.IsLeader() {
		return nil, r.notLeader()
	}
	cmd.ProposedAt = time.Now().UnixNano()
	return r.raft.Apply(EncodeCommand(cmd), enqueueTimeout), nil
}

// submitGroup hands cmds to Raft as one log entry and returns at once, with
// the future of the entry. It fails with a *NotLeaderError on a replica
// that does not lead. The commands apply in order, at one index: they must
// not touch a common key, or two writes of a key would share a revision.
func (r *Replica) submitGroup(cmds []*Command) (raft.ApplyFuture, error) {
	if !r.IsLeader() {
		return nil, r.notLeader()
	}
	now := time.Now().UnixNano()
	parts := make([][]byte, len(cmds))
	size := 0
	for i, cmd := range cmds {
		cmd.ProposedAt = now
		parts[i] = EncodeCommand(cmd)
		size += len(parts[i]) + binary.MaxVarintLen64
	}
	return r.raft.Apply(appendGroup(make([]byte, 0, size+1+binary.MaxVarintLen64), parts), enqueueTimeout), nil
}

// groupOutcome returns what applying the command at slot of the group of
// future produced, as outcome does.
func (r *Replica) groupOutcome(future raft.ApplyFuture, slot int) (Result, error) {
	if err := future.Error(); err != nil {
		return Result{}, r.proposeError(err)
	}
	resps, ok := future.Response().([]*ApplyResponse)
	if !ok || slot >= len(resps) {
		return Result{}, Errorf(ErrInternal, "state machine answered %T to a group", future.Response())
	}
	return resps[slot].Result, resps[slot].Err
}

// outcome returns what applying the command of future produced, waiting for
// it if need be, with Propose's errors.
func (r *Replica) outcome(future raft.ApplyFuture) (Result, error) {
	if err := future.Error(); err != nil {
		return Result{}, r.proposeError(err)
	}
	resp, ok := future.Response().(*ApplyResponse)
	if !ok {
		return Result{}, Errorf(ErrInternal, "state machine answered %T", future.Response())
	}
	return resp.Result, resp.Err
}

// ackedUnapplied is the answer of a build that acknowledges proposals
// before they apply (see brokenAck).
func ackedUnapplied(cmd *Command) Result {
	return Result{Succeeded: true, Results: make([]OpResult, len(cmd.Success))}
}

// waitFuture waits for future to be answered, or for ctx to end: then the
// command may still apply.
func waitFuture(ctx context.Context, future raft.ApplyFuture) error {
	done := make(chan struct{})
	go func() {
		_ = future.Error()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return Errorf(ErrIndeterminate, "write proposed but not confirmed: %v", ctx.Err())
	}
}

// proposeError sorts Raft's answer into not applied and maybe applied.
func (r *Replica) proposeError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, raft.ErrNotLeader):
		return r.notLeader()
	case errors.Is(err, raft.ErrEnqueueTimeout), errors.Is(err, raft.ErrLeadershipTransferInProgress):
		return Errorf(ErrUnavailable, "write not accepted: %v", err)
	default: // leadership lost, shutdown, restore: the entry may commit later
		return Errorf(ErrIndeterminate, "write outcome unknown: %v", err)
	}
}
