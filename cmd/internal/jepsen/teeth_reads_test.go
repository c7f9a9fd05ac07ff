//go:build treekv_broken_reads

package jepsen_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Built with reads served by any replica without leader verification, a
// cut-off follower answers a read with a value the majority has since
// overwritten, and the linearizability checker reports it.
func TestTeethStaleReadsCaught(t *testing.T) {
	c := startCluster(t)
	ops, err := staleReadScenario(t, c)
	require.NoError(t, err, "the broken build should answer from the cut-off follower")
	r, err := jepsenCheck(ops, t.TempDir()) // the failure is expected: keep no evidence
	require.NoError(t, err)
	t.Log(r)
	require.False(t, r.OK(), "the checker missed a stale read: %s", r)
}
