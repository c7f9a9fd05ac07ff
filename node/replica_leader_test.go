package node

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A read that reaches a replica Raft already reports as leader, before the
// replica has taken the leadership up, waits for it rather than failing
// with "no leader".
func TestReadBarrierWaitsForTheLeadershipToBeTakenUp(t *testing.T) {
	r := soloReplica(t, t.TempDir(), nil, 1)
	t.Cleanup(func() { require.NoError(t, r.Close()) })
	require.Eventually(t, r.Ready, 10*time.Second, 5*time.Millisecond)
	r.lead.change(false) // as before the replica's observer hears of the leadership

	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done <- r.ReadBarrier(ctx)
	}()

	select {
	case err := <-done:
		require.Failf(t, "the read did not wait", "it answered %v", err)
	case <-time.After(50 * time.Millisecond): // the read is still waiting
	}
	r.lead.markReady(r.lead.change(true))
	require.NoError(t, <-done, "served once the leadership is taken up and ready")
}
