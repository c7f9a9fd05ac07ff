//go:build treekv_broken_ack

package jepsen_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Built with writes acknowledged as soon as Raft queued them, a leader cut
// off from its peers acknowledges inserts it can never commit, the next
// term overwrites them, and the set checker reports them lost.
func TestTeethEarlyAcksCaught(t *testing.T) {
	report := cutOffLeaderScenario(t, "teeth-ack", 5)
	t.Log(report)
	require.False(t, report.OK(), "the checker missed acknowledged inserts that never committed: %s", report)
	require.NotEmpty(t, report.Lost)
	require.Len(t, report.Lost, report.Acked, "every acknowledged insert is lost")
}
