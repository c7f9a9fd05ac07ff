//go:build treekv_broken_stores

package jepsen_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Built with Raft state kept in memory despite a data directory, a
// majority that crashes and restarts forgets every insert it acknowledged,
// and the set checker reports them lost.
func TestTeethForgetfulStoresCaught(t *testing.T) {
	report := crashScenario(t, "teeth-stores", 20)
	t.Log(report)
	require.False(t, report.OK(), "the checker missed inserts lost in a restart: %s", report)
	require.Len(t, report.Lost, 20)
}
