//go:build treekv_broken_dedup

package jepsen_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Built with a state machine that ignores idempotency keys, a retried PUT
// applies twice, and the set checker reports the keys as duplicated.
func TestTeethDuplicatedWritesCaught(t *testing.T) {
	c := startCluster(t)
	report := duplicateScenario(t, c, "teeth-dup/", 5)
	t.Log(report)
	require.False(t, report.OK(), "the checker missed duplicated writes: %s", report)
	require.Len(t, report.Duplicated, 5)
}
