package node

import (
	"context"
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
	if !r.IsLeader() {
		return Result{}, r.notLeader()
	}
	cmd.ProposedAt = time.Now().UnixNano()
	future := r.raft.Apply(EncodeCommand(cmd), enqueueTimeout)
	if brokenAck() {
		return Result{Succeeded: true, Results: make([]OpResult, len(cmd.Success))}, nil
	}
	if err := r.waitFuture(ctx, future); err != nil {
		return Result{}, err
	}
	resp, ok := future.Response().(*ApplyResponse)
	if !ok {
		return Result{}, Errorf(ErrInternal, "state machine answered %T", future.Response())
	}
	return resp.Result, resp.Err
}

func (r *Replica) waitFuture(ctx context.Context, future raft.ApplyFuture) error {
	done := make(chan error, 1)
	go func() { done <- future.Error() }()
	select {
	case err := <-done:
		return r.proposeError(err)
	case <-ctx.Done():
		return Errorf(ErrIndeterminate, "write proposed but not confirmed: %w", ctx.Err())
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
