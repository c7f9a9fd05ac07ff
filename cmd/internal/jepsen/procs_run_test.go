//go:build unix

package jepsen_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/jepsen"
)

// Bounds of a run over node processes.
const (
	// procRunTimeout bounds a whole run, faults included.
	procRunTimeout = 60 * time.Second
	// procTail is how many more operations the run completes once its
	// fault is over, so the history shows the cluster serving after it.
	procTail = 50
	// procRecoveryBound is the longest a heal or a restart may take until
	// every client succeeds again: generous, for a small shared machine
	// running three nodes that elect with Raft's default timings.
	procRecoveryBound = 15 * time.Second
)

// procRegister runs the register workload cfg into h, with fault
// alongside, until the fault is over (cfg.Ops only caps it), and checks
// the history is linearizable.
func procRegister(t *testing.T, cfg jepsen.WorkloadConfig, h *jepsen.History, fault func() error) {
	t.Helper()
	underLoad(t, h, procRunTimeout, procTail, fault, registerLoad(t, h, cfg))
	requireLinearizable(t, h.Ops(), fmt.Sprintf("%s-%d", t.Name(), cfg.Seed))
}

// procAllOps returns every operation of h, failed ones included, as
// Recovery judges them.
func procAllOps(h *jepsen.History) []jepsen.Op {
	return append(h.Ops(), h.Failed()...)
}

// procSpan is one fault of a run: what it was, and when it began and
// healed on the history's clock.
type procSpan struct {
	what              string
	faultAt, healedAt int64
}

// awaitRecovery polls until every client of h, but those in ignore, has
// succeeded after healedAt, so that neither the next fault nor the end of
// the run cuts its recovery short; requireRecoveries judges the time it
// took afterwards.
func awaitRecovery(h *jepsen.History, healedAt int64, ignore ...int) error {
	var r jepsen.RecoveryReport
	err := poll("every client to succeed after the heal", func() bool {
		r = jepsen.Recovery(withoutClients(procAllOps(h), ignore...), healedAt, procRecoveryBound)
		return r.Clients > 0 && len(r.Stalled) == 0
	})
	if err != nil {
		return fmt.Errorf("%w: %s", err, r)
	}
	return nil
}

// withoutClients returns the operations of ops whose client is not in ids.
func withoutClients(ops []jepsen.Op, ids ...int) []jepsen.Op {
	return slices.DeleteFunc(slices.Clone(ops), func(op jepsen.Op) bool { return slices.Contains(ids, op.Client) })
}

// requireRecoveries checks that after each span healed every client of ops
// succeeded again within procRecoveryBound, before the next span's fault
// began: only the operations called before it count.
func requireRecoveries(t *testing.T, ops []jepsen.Op, spans []procSpan) {
	t.Helper()
	for i, s := range spans {
		window := ops
		if i+1 < len(spans) {
			window = calledBefore(ops, spans[i+1].faultAt)
		}
		r := jepsen.Recovery(window, s.healedAt, procRecoveryBound)
		t.Logf("%s: %s", s.what, r)
		require.True(t, r.OK(), "%s: %s", s.what, r)
	}
}

// calledBefore returns the operations of ops called before at.
func calledBefore(ops []jepsen.Op, at int64) []jepsen.Op {
	var before []jepsen.Op
	for _, op := range ops {
		if op.Call < at {
			before = append(before, op)
		}
	}
	return before
}
