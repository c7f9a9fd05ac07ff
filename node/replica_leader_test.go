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
	for attempt := 1; ; attempt++ {
		require.Eventually(t, r.Ready, 10*time.Second, 5*time.Millisecond)
		gen := r.lead.change(false) // as before the replica's observer hears of the leadership
		done := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			done <- r.ReadBarrier(ctx)
		}()
		select {
		case err := <-done:
			if leadershipGen(r.lead) != gen && attempt < 5 {
				continue // a late notice of the election took the leadership up meanwhile
			}
			require.Failf(t, "the read did not wait", "it answered %v", err)
		case <-time.After(50 * time.Millisecond): // the read is still waiting
		}
		r.lead.markReady(r.lead.change(true))
		require.NoError(t, <-done, "served once the leadership is taken up and ready")
		return
	}
}

func leadershipGen(l *leadership) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gen
}
