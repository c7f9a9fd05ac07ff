//go:build unix

package jepsen_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/jepsen"
)

// Shape of the scenario that kills every node.
const (
	crashRounds, crashRoundsLong = 1, 3
	crashRegisterBefore          = 100 // register operations before each kill
	crashInsertsBefore           = 100 // inserts recorded before each kill
	crashAckedBefore             = 50  // inserts acknowledged before the first kill, at least
)

// Every node is SIGKILLed mid-workload and all restart on their data
// directories (in the long tier, several times over), while a register
// workload and an insert-only workload run against every node: the
// register history stays linearizable; no acknowledged insert is lost,
// those acknowledged before the kill included, none appears that was
// never attempted, and none applies twice; and within a bound of each
// restart every client of both workloads succeeds again.
func TestJepsenProcessAllKilled(t *testing.T) {
	eachSeed(t, testProcessAllKilled)
}

func testProcessAllKilled(t *testing.T, seed uint64) {
	rounds := tiered(crashRounds, crashRoundsLong)
	c := startProcCluster(t, seed)
	h, sets := jepsen.NewHistory(), jepsen.NewHistory()
	var spans, setSpans []procSpan
	inserts := jepsen.InsertConfig{Endpoints: c.endpoints, Clients: 3, Inserts: untilStopped, Prefix: "set",
		OpTimeout: 2 * time.Second, MinAcked: crashAckedBefore}
	underLoad(t, h, procRunTimeout, procTail, func() error {
		for round := range rounds {
			span, setSpan, err := crashRound(t, c, h, sets)
			span.what = fmt.Sprintf("restart %d of every node, register workload", round+1)
			setSpan.what = fmt.Sprintf("restart %d of every node, insert workload", round+1)
			spans, setSpans = append(spans, span), append(setSpans, setSpan)
			if err != nil {
				return err
			}
		}
		return nil
	}, registerLoad(t, h, procWorkload(seed, c.endpoints, nil)), insertLoad(t, sets, inserts))

	requireLinearizable(t, h.Ops(), fmt.Sprintf("%s-%d", t.Name(), seed))
	requireRecoveries(t, procAllOps(h), spans)
	requireRecoveries(t, procAllOps(sets), setSpans)
	acked := answeredWithin(sets.Ops(), 0, setSpans[0].faultAt)
	t.Logf("%d inserts acknowledged before the first kill", acked)
	require.GreaterOrEqual(t, acked, crashAckedBefore, "the set check covers inserts acknowledged before a kill")
	requireProcSetIntact(t, c, sets, inserts.Prefix+"/")
}

// crashRound kills every node once both workloads made progress, restarts
// them all, and waits until every client of both succeeded again. It
// returns the kill and the restart on the clock of each history.
func crashRound(t *testing.T, c *procCluster, h, sets *jepsen.History) (span, setSpan procSpan, err error) {
	if err := errors.Join(progress(h, crashRegisterBefore), progress(sets, crashInsertsBefore)); err != nil {
		return span, setSpan, err
	}
	span.faultAt, setSpan.faultAt = h.Now(), sets.Now()
	if err := c.killAll(); err != nil {
		return span, setSpan, err
	}
	t.Logf("killed every node after %d operations and %d inserts; restarting them", h.Len(), sets.Len())
	if err := c.restartAll(); err != nil {
		return span, setSpan, err
	}
	span.healedAt, setSpan.healedAt = h.Now(), sets.Now()
	return span, setSpan, errors.Join(awaitRecovery(h, span.healedAt), awaitRecovery(sets, setSpan.healedAt))
}

// requireProcSetIntact reads the keys under prefix from c and checks them
// against the inserts recorded in h.
func requireProcSetIntact(t *testing.T, c *procCluster, h *jepsen.History, prefix string) {
	t.Helper()
	client, err := kv.NewClient(kv.ClientConfig{Endpoints: c.endpoints})
	require.NoError(t, err)
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), checkTimeout)
	defer cancel()
	requireSetIntact(ctx, t, client, h, prefix)
}
