//go:build unix

package jepsen_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/faults"
	"github.com/treekv/kv/cmd/internal/jepsen"
)

// Streams of the seeded random choices of the network scenarios, so that
// each draws apart from the workload and the proxies seeded alike.
const (
	halvesStream = 0x4a1e5
	lossyStream  = 0x1055
)

// Shape of the random-halves scenario.
const (
	halvesRounds     = 3
	halvesRoundsLong = 8
	halvesBefore     = 100 // operations before each split
	halvesDuring     = 150 // operations while split
)

// The nodes are split at random into a minority and a majority, the Raft
// links across the split cut both ways, then healed, round after round,
// while the workload runs against every node and through a client pinned
// to each: the history stays linearizable, and after each heal every
// client, those pinned to the minority included, succeeds again within a
// bound, before the next split.
func TestJepsenProcessRandomHalves(t *testing.T) {
	eachSeed(t, testProcessRandomHalves)
}

func testProcessRandomHalves(t *testing.T, seed uint64) {
	rounds := tiered(halvesRounds, halvesRoundsLong)
	c := startProcCluster(t, seed)
	rng := rand.New(rand.NewPCG(seed, halvesStream))
	h := jepsen.NewHistory()
	var spans []procSpan
	procRegister(t, procWorkload(seed, c.endpoints, c.endpoints), h, func() error {
		for range rounds {
			span, err := halvesRound(t, c, h, rng)
			spans = append(spans, span)
			if err != nil {
				return err
			}
		}
		return nil
	})
	requireRecoveries(t, procAllOps(h), spans)
}

// halvesRound splits the cluster at random once the workload has made
// progress, holds the split, heals it and waits until every client
// succeeded again.
func halvesRound(t *testing.T, c *procCluster, h *jepsen.History, rng *rand.Rand) (procSpan, error) {
	if err := progress(h, halvesBefore); err != nil {
		return procSpan{}, err
	}
	minority, majority := randomHalves(rng)
	span := procSpan{what: fmt.Sprintf("heal of %v | %v", c.names(minority), c.names(majority)), faultAt: h.Now()}
	c.split(minority)
	t.Logf("split %v from %v after %d operations, at %s", c.names(minority), c.names(majority), h.Len(), procClock(h))
	err := holdSplit(t, c, h, minority)
	c.healSplit(minority)
	span.healedAt = h.Now()
	t.Logf("healed after %d operations, at %s", h.Len(), procClock(h))
	if err != nil {
		return span, err
	}
	return span, awaitRecovery(h, span.healedAt)
}

// holdSplit waits until every partition has a leader outside minority and
// none on it, then until the workload has made progress again.
func holdSplit(t *testing.T, c *procCluster, h *jepsen.History, minority []int) error {
	if err := c.waitLeaders(minority...); err != nil {
		return err
	}
	if err := c.waitLeaderless(minority); err != nil {
		return err
	}
	t.Logf("every partition led in the majority, none in the minority, at %s", procClock(h))
	return progress(h, halvesDuring)
}

// randomHalves splits the nodes at random into a minority and a majority,
// each in order.
func randomHalves(rng *rand.Rand) (minority, majority []int) {
	perm := rng.Perm(procNodes)
	minority, majority = perm[:(procNodes-1)/2], perm[(procNodes-1)/2:]
	slices.Sort(minority)
	slices.Sort(majority)
	return minority, majority
}

// Shape of the lossy-links scenario. The proxy loses data in chunks (a
// read of up to 32 KiB) and, since TCP cannot lose part of a stream
// without corrupting it, breaks the connection that lost one: a loss shows
// the nodes an RPC cut short, possibly half sent, and a connection to dial
// again. Each Raft message is a chunk or a few, so with these fractions
// the RPCs of a busy link break about every second, while most get through.
const (
	lossyMinDrop, lossyMaxDrop   = 0.05, 0.20
	lossyMinDelay, lossyMaxDelay = 5 * time.Millisecond, 50 * time.Millisecond
	lossyBefore                  = 100      // operations before the links degrade
	lossyDuring, lossyDuringLong = 250, 600 // operations while they are
	lossyServedMin               = 100      // answered while they are, at least
	// appendFailures counts, in a node's metrics, the replication requests
	// (AppendEntries) it sent that failed.
	appendFailures = "treekv_raftnet_append_failures_total "
)

// Every Raft link, in each direction, loses a seeded fraction of its
// chunks and delays the rest by a seeded time, for part of the run, then
// heals, while the workload runs against every node: the losses broke Raft
// RPCs, as the nodes' metrics show; the history stays linearizable; the
// cluster kept serving through the lossy links; and after the heal every
// client succeeds again within a bound.
func TestJepsenProcessLossyLinks(t *testing.T) {
	eachSeed(t, testProcessLossyLinks)
}

func testProcessLossyLinks(t *testing.T, seed uint64) {
	c := startProcCluster(t, seed, "-log-level", "debug")
	rng := rand.New(rand.NewPCG(seed, lossyStream))
	h := jepsen.NewHistory()
	var span procSpan
	var broken int
	procRegister(t, procWorkload(seed, c.endpoints, nil), h, func() (err error) {
		span, broken, err = lossyPhase(t, c, h, rng)
		return err
	})
	t.Logf("%d replication requests (AppendEntries) failed while the links were lossy", broken)
	require.Positive(t, broken, "the lossy links broke no replication request, so they tested nothing")
	served := answeredWithin(h.Ops(), span.faultAt, span.healedAt)
	t.Logf("%d operations called and answered while the links were lossy", served)
	require.GreaterOrEqual(t, served, lossyServedMin, "the cluster kept serving through lossy links")
	requireRecoveries(t, procAllOps(h), []procSpan{span})
}

// lossyPhase degrades every link once the workload has made progress,
// heals them once it has made progress again, and waits until every
// client succeeded again. It returns the span of the fault and how many
// replication requests failed during it.
func lossyPhase(t *testing.T, c *procCluster, h *jepsen.History, rng *rand.Rand) (procSpan, int, error) {
	during := tiered(lossyDuring, lossyDuringLong)
	span := procSpan{what: "heal of the lossy links"}
	if err := progress(h, lossyBefore); err != nil {
		return span, 0, err
	}
	span.faultAt = h.Now()
	failedBefore, err := c.sumCounter(appendFailures)
	if err != nil {
		return span, 0, err
	}
	t.Logf("degraded every link after %d operations: %s", h.Len(), c.degrade(rng))
	err = progress(h, during)
	c.eachLink(func(_ string, p *faults.Proxy) { p.Heal() })
	span.healedAt = h.Now()
	failedAfter, scrapeErr := c.sumCounter(appendFailures)
	broken := failedAfter - failedBefore
	err = errors.Join(err, scrapeErr)
	t.Logf("healed every link after %d operations", h.Len())
	if err != nil {
		return span, broken, err
	}
	return span, broken, awaitRecovery(h, span.healedAt)
}

// degrade makes both directions of every Raft link lose and delay chunks,
// each by its own amount drawn from rng, and describes what it set.
func (c *procCluster) degrade(rng *rand.Rand) string {
	var settings []string
	c.eachLink(func(name string, p *faults.Proxy) {
		for _, dir := range []faults.Direction{faults.ClientToTarget, faults.TargetToClient} {
			drop := lossyMinDrop + rng.Float64()*(lossyMaxDrop-lossyMinDrop)
			delay := lossyMinDelay + time.Duration(rng.Int64N(int64(lossyMaxDelay-lossyMinDelay)))
			p.Drop(dir, drop)
			p.Delay(dir, delay)
			settings = append(settings, fmt.Sprintf("%s %s %.0f%% lost, %s", name, dir, 100*drop, delay.Round(time.Millisecond)))
		}
	})
	return fmt.Sprint(settings)
}

// answeredWithin counts the operations of ops called at or after from that
// were answered without error by to.
func answeredWithin(ops []jepsen.Op, from, to int64) int {
	n := 0
	for _, op := range ops {
		if succeeded(op) && op.Call >= from && op.Return <= to {
			n++
		}
	}
	return n
}

// procClock is the time of h's clock, for logs.
func procClock(h *jepsen.History) time.Duration {
	return time.Duration(h.Now()).Round(time.Millisecond)
}
