package jepsen_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/jepsen"
)

// Bounds of the batching scenario.
const (
	// batchWorkers is how many workers share the one batching client.
	batchWorkers = 16
	// batchRecoveryBound is the longest a heal or a restart may take until
	// every worker succeeds again.
	batchRecoveryBound = 15 * time.Second
	// batchLossEvery is how many batch requests there are for each one
	// whose answer is lost, on average.
	batchLossEvery = 20
	// batchCountMetric counts the requests a node served by route.
	batchCountMetric = "treekv_http_request_duration_seconds_count{"
)

// Concurrent calls of one partition-aware client leave for each node in
// batches (POST /v1/batch) while the leaderships they are bound for
// change: sixteen workers share one kv.Client that follows the
// controller's map, on four controller-managed nodes, while every
// partition's leadership is handed over, a replica moves from its leader
// onto another node, a partition's leader is cut off from its peers and
// healed, and a partition's leader is stopped and restarted: two rounds of
// these, or five in the long tier. Throughout, the answer to about one
// batch in batchLossEvery is lost after the node served it, so that its
// calls retry elsewhere under their Idempotency-Keys. The history stays
// linearizable, every worker is served again soon after each heal and
// restart, the nodes served batches while the faults ran, answers were
// lost, and the replicas converge.
func TestJepsenBatchedClient(t *testing.T) {
	eachSeed(t, testBatchedClient)
}

func testBatchedClient(t *testing.T, seed uint64) {
	c := startControlled(t, kv.ClusterConfig{Nodes: 4, DataDir: t.TempDir(), Controller: controlledConfig(2)})
	ctl := c.Controller()
	_, err := awaitView(ctl.View, "a settled placement", placementSettled(3))
	require.NoError(t, err)
	cfg := registerConfig(c.Endpoints(), seed)
	cfg.Clients, cfg.Controller, cfg.Shared = batchWorkers, ctl.URL(), true
	lossy := newLossyTransport(seed, batchLossEvery)
	t.Cleanup(lossy.CloseIdleConnections)
	cfg.HTTPClient = &http.Client{Transport: lossy}
	h := jepsen.NewHistory()
	var heals []heal
	var during int
	underLoad(t, h, loadTimeout, loadTail, func() error {
		var err error
		heals, during, err = batchFaults(t, c, h, seed)
		return err
	}, registerLoad(t, h, cfg))

	requireLinearizable(t, h.Ops(), fmt.Sprintf("%s-%d", t.Name(), seed))
	requireHealRecoveries(t, append(h.Ops(), h.Failed()...), heals)
	t.Logf("the nodes served at least %d batch requests while the faults ran", during)
	require.Positive(t, during, "no batch request was served while the faults ran: batching was not exercised")
	t.Logf("the answers to %d batch requests were lost", lossy.count())
	require.Positive(t, lossy.count(), "no batch answer was lost: retries of batched calls were not exercised")
	requireConverged(t, c, ctl.View)
}

// heal is one fault that ends: what it was, and when it began and healed
// on the history's clock.
type heal struct {
	what              string
	faultAt, healedAt int64
}

// batchFaults runs tiered(2, 5) rounds of faults once h shows the cluster
// serving. It returns the heals of every round and a lower bound on the
// batch requests the nodes served meanwhile.
func batchFaults(t *testing.T, c *kv.LocalCluster, h *jepsen.History, seed uint64) ([]heal, int, error) {
	if err := progress(h, 100); err != nil {
		return nil, 0, err
	}
	before, err := batchCounts(c)
	if err != nil {
		return nil, 0, err
	}
	var heals []heal
	for round := range tiered(2, 5) {
		healed, err := batchRound(t, c, h, seed+uint64(round))
		heals = append(heals, healed...)
		if err != nil {
			return heals, 0, err
		}
	}
	after, err := batchCounts(c)
	return heals, countedSince(before, after), err
}

// batchRound hands every partition's leadership over, moves a replica
// from its leader onto the node with the fewest, cuts off the leader of
// one partition and heals it, then stops the leader of another and
// restarts it, each once h shows the cluster serving after the change
// before; pick chooses the partitions. It returns the heal and the
// restart, once every worker was served after each.
func batchRound(t *testing.T, c *kv.LocalCluster, h *jepsen.History, pick uint64) ([]heal, error) {
	v, err := awaitView(c.Controller().View, "a settled placement", placementSettled(3))
	if err != nil {
		return nil, err
	}
	if err := handOverAll(t, c, h, v); err != nil {
		return nil, err
	}
	if err := moveFromLeader(t, c, h); err != nil {
		return nil, err
	}
	parts := v.Map.Partitions
	cut, err := cutOffLeader(t, c, h, parts[pick%uint64(len(parts))].ID)
	if err != nil {
		return []heal{cut}, err
	}
	stop, err := stopLeader(t, c, h, parts[(pick+1)%uint64(len(parts))].ID)
	return []heal{cut, stop}, err
}

// handOverAll hands the leadership of every partition of v to another of
// its replicas, each once h shows the cluster serving after the one
// before.
func handOverAll(t *testing.T, c *kv.LocalCluster, h *jepsen.History, v kv.ClusterView) error {
	for _, p := range v.Map.Partitions {
		to, err := transferLeader(c, v, p.ID, c.Controller().TransferLeader)
		if err != nil {
			return err
		}
		t.Logf("partition %d: leadership handed to %s after %d operations", p.ID, to, h.Len())
		if err := progress(h, stepProgress); err != nil {
			return err
		}
	}
	return nil
}

// moveFromLeader moves a partition's replica from its leader onto the node
// with the fewest replicas, and waits until the move finished and h shows
// the cluster serving.
func moveFromLeader(t *testing.T, c *kv.LocalCluster, h *jepsen.History) error {
	ctl := c.Controller()
	move := func(ctx context.Context, pid uint64, from, to string) error { return ctl.Move(ctx, pid, from, to) }
	pid, from, to, err := startMove(c, ctl.View, move, emptiest)
	if err != nil {
		return err
	}
	t.Logf("moving partition %d from its leader %s to %s after %d operations", pid, from, to, h.Len())
	if _, err := awaitView(ctl.View, fmt.Sprintf("partition %d to move to %s", pid, to), moved(pid, from, to)); err != nil {
		return err
	}
	t.Logf("partition %d moved to %s after %d operations", pid, to, h.Len())
	return progress(h, stepProgress)
}

// cutOffLeader cuts the node that leads partition pid off from its peers,
// heals it once another node leads and h shows the cluster serving, and
// waits until every worker was served after the heal.
func cutOffLeader(t *testing.T, c *kv.LocalCluster, h *jepsen.History, pid uint64) (heal, error) {
	victim, err := waitLeader(c, pid)
	if err != nil {
		return heal{}, err
	}
	id := c.Node(victim).ID()
	cut := heal{what: "cut-off of " + id, faultAt: h.Now()}
	c.Isolate(victim)
	t.Logf("cut off %s, leader of partition %d, after %d operations", id, pid, h.Len())
	err = poll("another leader", func() bool { return ledByOther(c, pid, victim) })
	if err == nil {
		err = progress(h, stepProgress)
	}
	c.Heal(victim)
	cut.healedAt = h.Now()
	t.Logf("healed %s after %d operations", id, h.Len())
	if err != nil {
		return cut, err
	}
	return cut, awaitEveryWorker(h, cut.healedAt)
}

// ledByOther reports whether a running node of c other than victim leads
// partition pid.
func ledByOther(c *kv.LocalCluster, pid uint64, victim int) bool {
	for i := range c.Size() {
		n := c.Node(i)
		if n == nil || i == victim {
			continue
		}
		if rep, ok := n.Replica(pid); ok && rep.IsLeader() {
			return true
		}
	}
	return false
}

// stopLeader stops the node that leads partition pid, restarts it once
// another leads and h shows the cluster serving, and waits until every
// worker was served after the restart.
func stopLeader(t *testing.T, c *kv.LocalCluster, h *jepsen.History, pid uint64) (heal, error) {
	victim, err := waitLeader(c, pid)
	if err != nil {
		return heal{}, err
	}
	id := c.Node(victim).ID()
	stop := heal{what: "restart of " + id, faultAt: h.Now()}
	if err := c.StopNode(victim); err != nil {
		return stop, err
	}
	t.Logf("stopped %s, leader of partition %d, after %d operations", id, pid, h.Len())
	if err := poll("another leader", func() bool { return ledByOther(c, pid, victim) }); err != nil {
		return stop, err
	}
	if err := progress(h, stepProgress); err != nil {
		return stop, err
	}
	if err := c.RestartNode(victim); err != nil {
		return stop, err
	}
	stop.healedAt = h.Now()
	t.Logf("restarted %s after %d operations", id, h.Len())
	return stop, awaitEveryWorker(h, stop.healedAt)
}

// awaitEveryWorker polls until every worker of h has succeeded after
// healedAt, so that the next fault does not cut its recovery short.
func awaitEveryWorker(h *jepsen.History, healedAt int64) error {
	var r jepsen.RecoveryReport
	err := poll("every worker to succeed after the heal", func() bool {
		r = jepsen.Recovery(append(h.Ops(), h.Failed()...), healedAt, batchRecoveryBound)
		return r.Clients > 0 && len(r.Stalled) == 0
	})
	if err != nil {
		return fmt.Errorf("%w: %s", err, r)
	}
	return nil
}

// requireHealRecoveries checks that after each heal every worker of ops
// succeeded again within batchRecoveryBound, judging only the operations
// called before the next fault began.
func requireHealRecoveries(t *testing.T, ops []jepsen.Op, heals []heal) {
	t.Helper()
	require.NotEmpty(t, heals, "no heal to judge")
	for i, healed := range heals {
		window := ops
		if i+1 < len(heals) {
			window = slices.DeleteFunc(slices.Clone(ops), func(op jepsen.Op) bool { return op.Call >= heals[i+1].faultAt })
		}
		r := jepsen.Recovery(window, healed.healedAt, batchRecoveryBound)
		t.Logf("%s: %s", healed.what, r)
		require.True(t, r.OK(), "%s: %s", healed.what, r)
		require.Len(t, r.Recovered, batchWorkers, "%s: every worker recovered", healed.what)
	}
}

// lossyTransport loses the answer to about one batch request in every
// `every`: it lets the node serve the request and reads the answer, then
// reports the connection broken, so that the calls of the batch retry not
// knowing whether their writes applied.
type lossyTransport struct {
	inner *http.Transport
	every int
	mu    sync.Mutex
	rng   *rand.Rand
	lost  int
}

func newLossyTransport(seed uint64, every int) *lossyTransport {
	return &lossyTransport{inner: &http.Transport{MaxIdleConnsPerHost: 64}, every: every,
		rng: rand.New(rand.NewPCG(seed, 0x10557))}
}

// RoundTrip sends req, and loses the answer if req is a batch request
// chosen to.
func (l *lossyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.inner.RoundTrip(req)
	if err != nil || req.Method != http.MethodPost || req.URL.Path != "/v1/batch" || !l.lose() {
		return resp, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return nil, errors.New("the answer to the batch was lost on the way")
}

func (l *lossyTransport) lose() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rng.IntN(l.every) != 0 {
		return false
	}
	l.lost++
	return true
}

// count returns how many answers were lost.
func (l *lossyTransport) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lost
}

// CloseIdleConnections closes the idle connections of the transport.
func (l *lossyTransport) CloseIdleConnections() { l.inner.CloseIdleConnections() }

// batchCounts returns the batch requests each running node of c served
// since it last started, by node ID, as its /metrics counts them.
func batchCounts(c *kv.LocalCluster) (map[string]int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	counts := map[string]int{}
	for i, base := range c.Endpoints() {
		n := c.Node(i)
		if n == nil {
			continue
		}
		count, err := scrapeCounter(ctx, hc, base, batchCountMetric, `route="batch"`)
		if err != nil {
			return counts, fmt.Errorf("metrics of %s: %w", n.ID(), err)
		}
		counts[n.ID()] = count
	}
	return counts, nil
}

// countedSince returns a lower bound on the batch requests served between
// the counts before and after: a node's rise, or its whole count after
// when it fell (it restarted, and counts from zero since).
func countedSince(before, after map[string]int) int {
	total := 0
	for id, n := range after {
		if n >= before[id] {
			total += n - before[id]
		} else {
			total += n
		}
	}
	return total
}
