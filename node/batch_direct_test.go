package node

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPlanBatchServesDirectlyPlainWritesItLeads checks which requests of a
// batch a node serves itself, without the /v1/kv handler: plain PUTs and
// DELETEs of valid keys of a partition it leads, and stale GETs of valid
// keys; nothing else.
func TestPlanBatchServesDirectlyPlainWritesItLeads(t *testing.T) {
	n := startFuzzNode(t, 1, 1)
	waitReadsReady(t, n)
	const write, read, handler = "write", "read", "handler"
	cases := []struct {
		op  BatchOp
		way string
	}{
		{batchPut("/v1/kv/a", "1"), write},
		{batchDelete("/v1/kv/a%2Fb"), write},
		{BatchOp{Method: http.MethodPut, Path: "/v1/kv/idem", IdempotencyKey: "k", Body: []byte("v")}, write},
		{batchGet("/v1/kv/a?consistency=stale"), read},
		{batchGet("/v1/kv/a%2Fb?consistency=stale"), read},
		{batchPut("/v1/kv/a?if_revision=3", "1"), handler},
		{batchPut("/v1/kv/a?", "1"), handler},
		{batchGet("/v1/kv/a"), handler},
		{batchGet("/v1/kv/a?consistency=stale&x=1"), handler},
		{batchGet("/v1/kv/a?consistency=linearizable"), handler},
		{batchPut("/v1/kv/"+strings.Repeat("k", fuzzLimits.MaxKeySize+1), "1"), handler},
		{batchGet("/v1/kv/" + strings.Repeat("k", fuzzLimits.MaxKeySize+1) + "?consistency=stale"), handler},
		{batchPut("/v1/kv/big", strings.Repeat("v", fuzzLimits.MaxValueSize+1)), handler},
		{batchPut("/v1/kv/", "1"), handler},
		{batchPut("/v1/kv/%ff", "1"), handler}, // not UTF-8
	}
	ops := make([]BatchOp, len(cases))
	for i, c := range cases {
		ops[i] = c.op
	}
	items, err := n.planBatch(httptest.NewRequest(http.MethodPost, "/v1/batch", nil), ops)
	require.NoError(t, err)
	for i, c := range cases {
		way := handler
		if items[i].direct != nil {
			way = write
		}
		if items[i].read != nil {
			require.Nil(t, items[i].direct)
			way = read
		}
		require.Equal(t, c.way, way, "%s %s", c.op.Method, c.op.Path)
	}
}

// TestPlanBatchLeavesFollowersWritesToTheHandler checks that a node that
// does not lead the partition plans no direct write (the handler forwards
// it), but still reads stale values itself.
func TestPlanBatchLeavesFollowersWritesToTheHandler(t *testing.T) {
	n1, n2, _ := startPair(t)
	_, follower := waitPair(t, n1, n2)
	ops := []BatchOp{batchPut("/v1/kv/a", "1"), batchGet("/v1/kv/a?consistency=stale")}
	items, err := follower.planBatch(httptest.NewRequest(http.MethodPost, "/v1/batch", nil), ops)
	require.NoError(t, err)
	require.Nil(t, items[0].direct)
	require.NotNil(t, items[1].read)
}

// TestDirectWriteOfAReplicaThatNoLongerLeads checks that a write planned as
// direct on a replica that has since stopped leading is served through the
// handler instead, which forwards it to the leader: it applies once, there,
// and answers as the leader answers it.
func TestDirectWriteOfAReplicaThatNoLongerLeads(t *testing.T) {
	n1, n2, _ := startPair(t)
	leader, follower := waitPair(t, n1, n2)
	waitReadsReady(t, leader)
	rep, _ := follower.Replica(1)
	op := batchPut("/v1/kv/moved", "v")
	u, err := checkBatchOp(op)
	require.NoError(t, err)
	items := []batchItem{{op: op, url: u, direct: &directWrite{method: http.MethodPut, rep: rep,
		cmd: &Command{Success: []Op{{Kind: OpPut, Key: "moved", Value: []byte("v")}}}}}}
	r := httptest.NewRequest(http.MethodPost, "/v1/batch", nil)
	results := follower.serveItems(r, follower.metrics.instrument("kv", http.HandlerFunc(follower.serveKV)), items)
	require.Equal(t, http.StatusOK, results[0].Status, "%s", results[0].Body)
	require.Equal(t, leader.ID(), results[0].Header[HeaderNode], "served by the leader")
	lrep, _ := leader.Replica(1)
	e, ok := lrep.FSM().Get("moved")
	require.True(t, ok)
	require.Equal(t, revisionOf(t, results[0].Body), e.ModRevision)
	require.Equal(t, uint64(1), e.Version, "applied once")
}

// TestDirectRequestsAreMeteredAsAlone checks that the requests of a batch
// the node serves itself are recorded in the request histogram as the
// handler records a request alone: route kv, their method and status.
func TestDirectRequestsAreMeteredAsAlone(t *testing.T) {
	n := startLoneLeader(t)
	waitReadsReady(t, n)
	results := sendBatch(t, n.handler(), batchPut("/v1/kv/a", "1"), batchPut("/v1/kv/b", "2"), batchDelete("/v1/kv/c"))
	results = append(results, sendBatch(t, n.handler(), batchGet("/v1/kv/b?consistency=stale"), batchGet("/v1/kv/c?consistency=stale"))...)
	for i, want := range []int{200, 200, 200, 200, 404} {
		require.Equal(t, want, results[i].Status, "%s", results[i].Body)
	}
	require.Equal(t, http.StatusOK, sendAlone(t, n.handler(), batchPut("/v1/kv/c", "3")).Code)
	got := observedLabels(t, n.metrics.registry)
	require.Contains(t, got, "code=200,method=put,route=kv: 3", "two batched puts and one alone")
	require.Contains(t, got, "code=200,method=delete,route=kv: 1")
	require.Contains(t, got, "code=200,method=get,route=kv: 1")
	require.Contains(t, got, "code=404,method=get,route=kv: 1")
}

// TestDirectCallUnansweredInTimeIsIndeterminate checks that a direct write
// whose entry Raft had not answered when the batch's time ran out is
// answered as one that may still apply, never as not applied.
func TestDirectCallUnansweredInTimeIsIndeterminate(t *testing.T) {
	c := &directCall{d: &directWrite{method: http.MethodPut, cmd: &Command{}}}
	_, err := c.outcome(false)
	require.ErrorIs(t, err, ErrIndeterminate)
}

func directCalls(keys ...string) []*directCall {
	calls := make([]*directCall, len(keys))
	for i, k := range keys {
		calls[i] = &directCall{item: i, d: &directWrite{cmd: putCmd(k, "v")}}
	}
	return calls
}

func groupKeys(groups [][]*directCall) [][]string {
	var out [][]string
	for _, g := range groups {
		var keys []string
		for _, c := range g {
			keys = append(keys, c.d.cmd.Success[0].Key)
		}
		out = append(out, keys)
	}
	return out
}

// TestSplitGroupsCutsWhereAKeyComesAgain checks that the writes of a batch
// to one partition share entries in order, a new one starting where a key
// comes again, so that no entry writes a key twice.
func TestSplitGroupsCutsWhereAKeyComesAgain(t *testing.T) {
	got := groupKeys(splitGroups(directCalls("a", "b", "a", "c", "c", "d")))
	require.Equal(t, [][]string{{"a", "b"}, {"a", "c"}, {"c", "d"}}, got)
	require.Equal(t, [][]string{{"x"}}, groupKeys(splitGroups(directCalls("x"))))
}

// TestSplitGroupsBoundsAnEntry checks that an entry carries at most
// maxGroupWrites writes and, past its first, at most maxGroupBytes of keys
// and values.
func TestSplitGroupsBoundsAnEntry(t *testing.T) {
	keys := make([]string, maxGroupWrites+1)
	for i := range keys {
		keys[i] = strings.Repeat("k", 8) + string(rune('a'+i%26)) + strings.Repeat("z", i/26)
	}
	groups := splitGroups(directCalls(keys...))
	require.Len(t, groups, 2)
	require.Len(t, groups[0], maxGroupWrites)

	big := directCalls("a", "b", "c")
	for _, c := range big {
		c.d.cmd.Success[0].Value = make([]byte, maxGroupBytes/2)
	}
	require.Equal(t, [][]string{{"a"}, {"b"}, {"c"}}, groupKeys(splitGroups(big)))
}

// TestBatchWritesOfAPartitionShareAnEntry checks that the plain writes a
// batch carries for a partition its node leads apply as one log entry, so
// at one revision, except that a key written again takes the next entry:
// every write of a key keeps a revision of its own, in batch order.
func TestBatchWritesOfAPartitionShareAnEntry(t *testing.T) {
	n := startLoneLeader(t)
	waitReadsReady(t, n)
	results := sendBatch(t, n.handler(), batchPut("/v1/kv/a", "1"), batchPut("/v1/kv/b", "2"),
		batchDelete("/v1/kv/c"), batchPut("/v1/kv/a", "again"))
	revs := make([]uint64, len(results))
	for i, res := range results {
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		revs[i] = revisionOf(t, res.Body)
	}
	require.Equal(t, revs[0], revs[1], "a and b in one entry")
	require.Equal(t, revs[0], revs[2])
	require.Greater(t, revs[3], revs[0], "a's second write in the next entry")
	rep, _ := n.Replica(1)
	e, ok := rep.FSM().Get("a")
	require.True(t, ok)
	require.Equal(t, entry("a", "again", revs[0], revs[3], 2), e)
}
