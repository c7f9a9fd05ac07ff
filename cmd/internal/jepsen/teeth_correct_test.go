//go:build !treekv_broken_reads && !treekv_broken_dedup && !treekv_broken_barrier && !treekv_broken_stores && !treekv_broken_ack

package jepsen_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/jepsen"
)

// The teeth scenarios pass on a correct build: the cut-off follower refuses
// the read, and a retried PUT applies once.
func TestTeethScenariosPassOnCorrectBuild(t *testing.T) {
	c := startCluster(t)
	t.Run("stale read refused", func(t *testing.T) {
		ops, err := staleReadScenario(t, c)
		require.Error(t, err, "a cut-off follower answered a linearizable read")
		r, err := jepsenCheck(ops, jepsen.ArtifactDir(t.Name()))
		require.NoError(t, err)
		require.True(t, r.OK(), "%s", r)
	})
	t.Run("retried write applied once", func(t *testing.T) {
		report := duplicateScenario(t, c, "teeth-dup/", 5)
		require.True(t, report.OK(), "%s", report)
		require.Equal(t, 5, report.Present)
	})
}

// The teeth scenarios with faults of their own pass on a correct build: a
// new leader reads only after its barrier applied, a restarted majority
// keeps what it acknowledged, and a cut-off leader acknowledges nothing.
func TestTeethFaultScenariosPassOnCorrectBuild(t *testing.T) {
	t.Run("new leader reads after its barrier", func(t *testing.T) {
		ops := newLeaderScenario(t)
		r, err := jepsenCheck(ops, jepsen.ArtifactDir(t.Name()))
		require.NoError(t, err)
		require.True(t, r.OK(), "%s", r)
		require.Len(t, ops, 3, "two writes and the heir's read")
	})
	t.Run("restarted majority keeps its inserts", func(t *testing.T) {
		report := crashScenario(t, "teeth-stores", 20)
		require.True(t, report.OK(), "%s", report)
		require.Equal(t, 20, report.Present)
	})
	t.Run("cut-off leader acknowledges nothing", func(t *testing.T) {
		report := cutOffLeaderScenario(t, "teeth-ack", 5)
		require.True(t, report.OK(), "%s", report)
		require.Zero(t, report.Acked)
	})
}
