package kv_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
)

// A write sent to a node that does not lead the key's partition is
// forwarded to the leader, applied, and then visible on every node.
func TestClusterWriteThroughFollower(t *testing.T) {
	c := startCluster(t, kv.ClusterConfig{})
	api := newHTTPAPI(t)
	nodes := c.Endpoints()
	keys := keysPerPartition(t, c, "through")
	for _, pid := range slices.Sorted(maps.Keys(keys)) {
		key := keys[pid]
		t.Run(fmt.Sprintf("partition %d", pid), func(t *testing.T) {
			via := followerOf(c, leaderOf(t, c, key))
			value := "written via n" + fmt.Sprint(via+1)
			rev := api.putOK(nodes[via], key, []byte(value))
			require.Positive(t, rev)
			for _, base := range nodes {
				ans := api.read(kvURL(base, key))
				requireValue(t, ans, value)
				require.Equal(t, rev, ans.headerRevision(t), "revision read on %s", base)
			}
		})
	}
}

// A node that hosts no replica of a key's partition still serves it, by
// forwarding to a node that does.
func TestClusterWriteThroughNodeWithoutReplica(t *testing.T) {
	c := startCluster(t, kv.ClusterConfig{Nodes: 4, Partitions: 4})
	api := newHTTPAPI(t)
	keys := keysPerPartition(t, c, "outsider")
	for _, p := range c.Map().Partitions {
		outsider := -1
		for i := range c.Size() {
			if !slices.Contains(p.Replicas, c.Node(i).ID()) {
				outsider = i
			}
		}
		require.GreaterOrEqual(t, outsider, 0, "partition %d is on every node", p.ID)
		key, base := keys[p.ID], c.Endpoints()[outsider]
		rev := api.putOK(base, key, []byte("v"))
		ans := api.read(kvURL(base, key))
		requireValue(t, ans, "v")
		require.Equal(t, rev, ans.headerRevision(t))
	}
}

// An isolated follower still answers stale reads from its own replica,
// which misses the writes made without it, but refuses linearizable reads
// instead of answering them with that old value. Once healed, every node
// answers the new value.
func TestClusterStaleVsLinearizable(t *testing.T) {
	c := startCluster(t, kv.ClusterConfig{})
	api := newHTTPAPI(t)
	nodes := c.Endpoints()
	const key = "stale-probe"
	leader := leaderOf(t, c, key)
	follower, majority := followerOf(c, leader), followerOf(c, followerOf(c, leader))
	api.putOK(nodes[leader], key, []byte("old"))
	waitFor(t, "the follower applies the old value", func() (bool, string) {
		ans := api.get(kvURL(nodes[follower], key, "consistency", "stale"))
		return ans.status == http.StatusOK && string(ans.body) == "old", string(ans.body)
	})

	c.Isolate(follower)
	t.Cleanup(func() { c.Heal(follower) })
	api.putOK(nodes[majority], key, []byte("new"))
	api.eventuallyValue(nodes[majority], key, "new")

	requireValue(t, api.get(kvURL(nodes[follower], key, "consistency", "stale")), "old")
	for _, target := range []string{kvURL(nodes[follower], key), kvURL(nodes[follower], key, "consistency", "linearizable")} {
		ans := api.get(target)
		requireError(t, ans, http.StatusServiceUnavailable, "unavailable")
		require.NotEmpty(t, ans.header.Get("Retry-After"), "an unavailable answer says when to retry")
	}

	c.Heal(follower)
	for _, base := range nodes {
		api.eventuallyValue(base, key, "new")
	}
	requireError(t, api.get(kvURL(nodes[follower], key, "consistency", "eventual")), http.StatusBadRequest, "bad_request")
}

// A scan pages through every partition's keys in byte order, following its
// cursors from any node; prefix and start/end bounds select the keys they
// name. It works alike over hash and range partitions.
func TestClusterScanOrderAndPagination(t *testing.T) {
	tests := []struct {
		name string
		cfg  kv.ClusterConfig
	}{
		{"hash partitions", kv.ClusterConfig{}},
		{"range partitions", kv.ClusterConfig{Partitioner: kv.KindRange, SplitKeys: []string{"b", "beta/030", "g", "z"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := startCluster(t, tt.cfg)
			keys := scanKeys()
			writeKeys(t, c, keys)
			require.Len(t, partitionsOf(t, c, keys), len(c.Map().Partitions), "the keys cover every partition")
			checkScans(t, c, keys)
		})
	}
}

func checkScans(t *testing.T, c *kv.LocalCluster, keys []string) {
	api := newHTTPAPI(t)
	sorted := slices.Sorted(slices.Values(keys))
	inRange := func(start, end string) []string {
		return slices.DeleteFunc(slices.Clone(sorted), func(k string) bool { return k < start || k >= end })
	}
	tests := []struct {
		name  string
		query []string
		want  []string
	}{
		{"everything", nil, sorted},
		{"prefix", []string{"prefix", "beta/"}, inRange("beta/", "beta0")},
		{"prefix of multibyte keys", []string{"prefix", "ω/"}, inRange("ω/", "ω0")},
		{"start and end", []string{"start", "alpha/050", "end", "beta/010"}, inRange("alpha/050", "beta/010")},
		{"start only", []string{"start", "gamma/040"}, inRange("gamma/040", "\xff")},
		{"prefix within bounds", []string{"prefix", "alpha/", "start", "alpha/065"}, inRange("alpha/065", "alpha0")},
		{"empty range", []string{"start", "beta/", "end", "alpha/"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := scanPages(t, api, c.Endpoints(), 17, tt.query...)
			var got []string
			for _, it := range items {
				got = append(got, it.Key)
				require.Equal(t, "v:"+it.Key, string(it.Value))
				require.Positive(t, it.Revision)
			}
			require.Equal(t, tt.want, got)
		})
	}
	t.Run("client", func(t *testing.T) {
		items, err := newClusterClient(t, c).ScanAll(testContext(t, eventually), kv.ScanOptions{Prefix: "gamma/", Limit: 7})
		require.NoError(t, err)
		var got []string
		for _, it := range items {
			got = append(got, it.Key)
		}
		require.Equal(t, inRange("gamma/", "gamma0"), got)
	})
}

// if_revision makes PUT and DELETE compare-and-swap: 0 creates only an
// absent key, the current revision succeeds, any other revision is a 409
// conflict that carries the key's current revision.
func TestClusterCompareAndSwap(t *testing.T) {
	c := startCluster(t, kv.ClusterConfig{})
	api := newHTTPAPI(t)
	base := c.Endpoints()[0]
	const key = "cas"
	cas := func(method string, rev uint64, value string) answer {
		return api.write(method, kvURL(base, key, "if_revision", fmt.Sprint(rev)), []byte(value), nil)
	}
	requireConflict := func(ans answer, current uint64) {
		t.Helper()
		body := requireError(t, ans, http.StatusConflict, "conflict")
		require.NotNil(t, body.Error.Revision, "a conflict carries the current revision: %s", ans.body)
		require.Equal(t, current, *body.Error.Revision)
	}

	rev1 := cas(http.MethodPut, 0, "v1").revision(t)
	requireConflict(cas(http.MethodPut, 0, "again"), rev1)
	ans := cas(http.MethodPut, rev1, "v2")
	require.Equal(t, http.StatusOK, ans.status, "%s", ans.body)
	rev2 := ans.revision(t)
	require.Greater(t, rev2, rev1)
	requireConflict(cas(http.MethodPut, rev1, "stale"), rev2)
	got := api.read(kvURL(base, key))
	requireValue(t, got, "v2")
	require.Equal(t, rev2, got.headerRevision(t))

	requireConflict(cas(http.MethodDelete, rev1, ""), rev2)
	ans = cas(http.MethodDelete, rev2, "")
	require.Equal(t, http.StatusOK, ans.status, "%s", ans.body)
	require.JSONEq(t, fmt.Sprintf(`{"deleted":true,"revision":%d}`, ans.revision(t)), string(ans.body))
	require.Greater(t, ans.revision(t), rev2)
	requireError(t, api.read(kvURL(base, key)), http.StatusNotFound, "not_found")
	requireConflict(cas(http.MethodPut, rev2, "gone"), 0)

	t.Run("client", func(t *testing.T) { testClientCompareAndSwap(t, c) })
}

// testClientCompareAndSwap checks that kv.Client reports failed compares
// as *kv.ConflictError with the current revision.
func testClientCompareAndSwap(t *testing.T, c *kv.LocalCluster) {
	client := newClusterClient(t, c)
	ctx := testContext(t, eventually)
	r1, err := client.CompareAndSwap(ctx, "cas-client", []byte("a"), 0)
	require.NoError(t, err)
	_, err = client.CompareAndSwap(ctx, "cas-client", []byte("b"), 0)
	requireClientConflict(t, err, "cas-client", r1)
	r2, err := client.CompareAndSwap(ctx, "cas-client", []byte("b"), r1)
	require.NoError(t, err)
	_, _, err = client.CompareAndDelete(ctx, "cas-client", r1)
	requireClientConflict(t, err, "cas-client", r2)
	deleted, _, err := client.CompareAndDelete(ctx, "cas-client", r2)
	require.NoError(t, err)
	require.True(t, deleted)
}

func requireClientConflict(t *testing.T, err error, key string, current uint64) {
	t.Helper()
	require.ErrorIs(t, err, kv.ErrConflict)
	var conflict *kv.ConflictError
	require.ErrorAs(t, err, &conflict)
	require.Equal(t, kv.ConflictError{Key: key, Revision: current}, *conflict)
}

// A transaction over keys of one partition applies its success or failure
// branch atomically and answers each op's result; one whose keys span
// partitions is refused and changes nothing.
func TestClusterTxn(t *testing.T) {
	c := startCluster(t, kv.ClusterConfig{})
	api := newHTTPAPI(t)
	base := c.Endpoints()[1]
	api.putOK(base, "{acct}.balance", []byte("10"))

	// compare the balance, then move it and log the payment in one step
	const pay = `{"compare":[{"key":"{acct}.balance","target":"value","op":"=","value":"MTA="}],
		"success":[{"op":"put","key":"{acct}.balance","value":"MjA="},{"op":"put","key":"{acct}.log","value":"cGFpZA=="},{"op":"get","key":"{acct}.balance"}],
		"failure":[{"op":"get","key":"{acct}.balance"}]}`
	res := api.txnOK(base, pay)
	require.True(t, res.Succeeded)
	require.Len(t, res.Results, 3)
	require.Equal(t, []string{"put", "put", "get"}, []string{res.Results[0].Op, res.Results[1].Op, res.Results[2].Op})
	require.Equal(t, "20", string(res.Results[2].Value))
	for _, key := range []string{"{acct}.balance", "{acct}.log"} {
		require.Equal(t, res.Revision, api.read(kvURL(base, key)).headerRevision(t), "both puts carry the txn's revision")
	}

	// the same transaction again: the compare fails, only the failure branch runs
	again := api.txnOK(base, pay)
	require.False(t, again.Succeeded)
	require.Len(t, again.Results, 1)
	require.Equal(t, "20", string(again.Results[0].Value))
	require.Equal(t, res.Revision, again.Results[0].Revision)
	requireValue(t, api.read(kvURL(base, "{acct}.log")), "paid")

	t.Run("across partitions", func(t *testing.T) { testCrossPartitionTxn(t, c, api, base) })
}

// testCrossPartitionTxn checks that a transaction over keys of two
// partitions is refused, over HTTP and through kv.Client, and writes
// nothing.
func testCrossPartitionTxn(t *testing.T, c *kv.LocalCluster, api *httpAPI, base string) {
	keys := slices.Collect(maps.Values(keysPerPartition(t, c, "cross")))[:2]
	body := fmt.Sprintf(`{"success":[{"op":"put","key":%q,"value":"eA=="},{"op":"put","key":%q,"value":"eA=="}]}`, keys[0], keys[1])
	requireError(t, api.write(http.MethodPost, base+"/v1/txn", []byte(body), nil), http.StatusBadRequest, "bad_request")
	_, err := newClusterClient(t, c).Txn(testContext(t, eventually), kv.TxnRequest{Success: []kv.TxnOp{
		{Op: "put", Key: keys[0], Value: []byte("x")}, {Op: "put", Key: keys[1], Value: []byte("x")},
	}})
	require.ErrorIs(t, err, kv.ErrBadRequest)
	for _, key := range keys {
		requireError(t, api.read(kvURL(base, key)), http.StatusNotFound, "not_found")
	}
}

// A write retried under one Idempotency-Key, through any node, applies
// once and answers as the first attempt did; the same key with another
// request is refused.
func TestClusterIdempotencyKey(t *testing.T) {
	c := startCluster(t, kv.ClusterConfig{})
	api := newHTTPAPI(t)
	const key = "idempotent"
	header := http.Header{"Idempotency-Key": {"put-" + t.Name()}}
	var revisions []uint64
	for _, base := range c.Endpoints() {
		ans := api.write(http.MethodPut, kvURL(base, key), []byte("once"), header)
		require.Equal(t, http.StatusOK, ans.status, "%s", ans.body)
		revisions = append(revisions, ans.revision(t))
	}
	require.Equal(t, []uint64{revisions[0], revisions[0], revisions[0]}, revisions)

	base := c.Endpoints()[0]
	res := api.txnOK(base, fmt.Sprintf(`{"success":[{"op":"get","key":%q}]}`, key))
	require.Equal(t, uint64(1), res.Results[0].Version, "applied once")
	require.Equal(t, revisions[0], res.Results[0].Revision)

	ans := api.write(http.MethodPut, kvURL(base, key), []byte("different"), header)
	requireError(t, ans, http.StatusBadRequest, "bad_request")
	requireValue(t, api.read(kvURL(base, key)), "once")
}

// scanKeys returns 200 keys under a few prefixes, some of them prefixes of
// others' bytes ("beta/" and "beta0"), some multibyte.
func scanKeys() []string {
	var keys []string
	add := func(format string, n int) {
		for i := range n {
			keys = append(keys, fmt.Sprintf(format, i))
		}
	}
	add("alpha/%03d", 70)
	add("beta/%03d", 60)
	add("beta0-%02d", 10)
	add("gamma/%03d", 50)
	add("ω/%d", 10)
	return keys
}

// scanItem is one key of a scan answer.
type scanItem struct {
	Key      string `json:"key"`
	Value    []byte `json:"value"`
	Revision uint64 `json:"revision"`
}

// scanPages follows a scan's cursors, page by page, asking each page of a
// different node, and returns every item.
func scanPages(t *testing.T, api *httpAPI, nodes []string, limit int, query ...string) []scanItem {
	t.Helper()
	var items []scanItem
	cursor := ""
	for page := 0; ; page++ {
		require.Less(t, page, 1000, "the scan does not end")
		q := append(slices.Clone(query), "limit", fmt.Sprint(limit))
		if cursor != "" {
			q = append(q, "cursor", cursor)
		}
		ans := api.read(withQuery(nodes[page%len(nodes)]+"/v1/scan", q...))
		require.Equal(t, http.StatusOK, ans.status, "page %d: %s", page, ans.body)
		var body struct {
			Items []scanItem `json:"items"`
			Next  *string    `json:"next"`
		}
		require.NoError(t, json.Unmarshal(ans.body, &body))
		require.NotNil(t, body.Next, "a scan page always has next: %s", ans.body)
		require.LessOrEqual(t, len(body.Items), limit)
		items = append(items, body.Items...)
		if *body.Next == "" {
			return items
		}
		require.Len(t, body.Items, limit, "a page before the last is full")
		cursor = *body.Next
	}
}

// Every answer names the node that served it, also when forwarded.
func TestClusterAnswersNameTheServingNode(t *testing.T) {
	c := startCluster(t, kv.ClusterConfig{Nodes: 4})
	api := newHTTPAPI(t)
	key := "served-by"
	p, err := c.Map().Locate(key)
	require.NoError(t, err)
	outsider := -1
	for i := range c.Size() {
		if !slices.Contains(p.Replicas, c.Node(i).ID()) {
			outsider = i
		}
	}
	require.GreaterOrEqual(t, outsider, 0, "a node without a replica of partition %d", p.ID)

	ans := api.write(http.MethodPut, kvURL(c.Endpoints()[outsider], key), []byte("v"), nil)
	require.Equal(t, http.StatusOK, ans.status)
	require.Contains(t, p.Replicas, ans.header.Get("X-Kv-Node"), "a forwarded write names the replica that served it")

	replica := -1
	for i := range c.Size() {
		if c.Node(i).ID() == p.Replicas[1] {
			replica = i
		}
	}
	ans = api.read(kvURL(c.Endpoints()[replica], key, "consistency", "stale"))
	require.Equal(t, p.Replicas[1], ans.header.Get("X-Kv-Node"), "a stale read is served where it arrives")
}
