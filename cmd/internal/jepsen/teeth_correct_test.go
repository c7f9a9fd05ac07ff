//go:build !treekv_broken_reads && !treekv_broken_dedup

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
