//go:build treekv_broken_barrier

package jepsen_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Built with new leaders that serve reads before their barrier applied, the
// heir of a stopped leader answers a read with the value its last
// acknowledged write replaced, and the linearizability checker reports it.
func TestTeethReadsBeforeBarrierCaught(t *testing.T) {
	ops := newLeaderScenario(t)
	r, err := jepsenCheck(ops, t.TempDir()) // the failure is expected: keep no evidence
	require.NoError(t, err)
	t.Log(r)
	require.False(t, r.OK(), "the checker missed a read served before the barrier: %s", r)
}
