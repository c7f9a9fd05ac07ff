package kv_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
)

// newRoutingClient returns a partition-aware client that knows only the
// controller and rides out elections and stopped nodes.
func newRoutingClient(t *testing.T, c *kv.LocalCluster) *kv.Client {
	t.Helper()
	client, err := kv.NewClient(kv.ClientConfig{
		Controller:  c.Controller().URL(),
		MaxAttempts: 40,
		BaseBackoff: 10 * time.Millisecond,
		MaxBackoff:  200 * time.Millisecond,
	})
	require.NoError(t, err)
	t.Cleanup(client.Close)
	return client
}

// viewLeader returns the leader of partition pid and its base URL, as the
// controller sees them.
func viewLeader(t *testing.T, c *kv.LocalCluster, pid uint64) (id, url string) {
	t.Helper()
	view := clusterView(t, c.Controller())
	for _, p := range view.Partitions {
		if p.ID == pid {
			id = p.Leader
		}
	}
	for _, n := range view.Nodes {
		if n.ID == id && id != "" {
			url = "http://" + n.HTTPAddr
		}
	}
	return id, url
}

// oneHop puts key and reports whether the put went straight to the leader
// of pid (the controller's view) in one attempt. A failed put fails the test.
func oneHop(t *testing.T, client *kv.Client, c *kv.LocalCluster, key string, pid uint64) (bool, string) {
	t.Helper()
	var info kv.CallInfo
	_, err := client.Put(kv.WithCallInfo(testContext(t, 30*time.Second), &info), key, []byte("v"))
	require.NoError(t, err, "every request succeeds")
	id, url := viewLeader(t, c, pid)
	want := kv.CallInfo{Attempts: 1, Endpoint: url, Node: id}
	return id != "" && info == want, fmt.Sprintf("call %+v, leader %s at %s", info, id, url)
}

// leadersSettled reports whether the controller sees every partition with
// a leader and the leader counts even (so it will not move leaders again).
func leadersSettled(t *testing.T, c *kv.LocalCluster) (bool, string) {
	view := clusterView(t, c.Controller())
	if ok, state := settled(view, 3); !ok {
		return false, state
	}
	counts := map[string]int{}
	for _, n := range view.Nodes {
		counts[n.ID] = 0
	}
	for _, p := range view.Partitions {
		counts[p.Leader]++
	}
	values := slices.Collect(maps.Values(counts))
	return slices.Max(values)-slices.Min(values) <= 1, fmt.Sprint("leaders per node ", counts)
}

func TestClientRoutingReachesTheLeaderInOneHop(t *testing.T) {
	c := startControlled(t, kv.ClusterConfig{Nodes: 3, Partitions: 4})
	client := newRoutingClient(t, c)
	keys := keysPerPartition(t, c, "route")
	waitFor(t, "leaders settled", func() (bool, string) { return leadersSettled(t, c) })
	for pid, key := range keys { // the client's map catches up with the view
		waitFor(t, "a routed put to the leader", func() (bool, string) { return oneHop(t, client, c, key, pid) })
	}

	// Elections can still happen on a busy machine, so each check is polled:
	// a put and a get both land on the current leader in one attempt.
	for pid, key := range keys {
		waitFor(t, fmt.Sprintf("a routed put and get in partition %d", pid), func() (bool, string) {
			return putAndGetOneHop(t, client, c, key, pid)
		})
	}
}

// putAndGetOneHop puts and gets key and reports whether both went straight
// to the leader of pid, as the controller sees it, in one attempt.
func putAndGetOneHop(t *testing.T, client *kv.Client, c *kv.LocalCluster, key string, pid uint64) (bool, string) {
	t.Helper()
	ctx := testContext(t, 30*time.Second)
	var put, get kv.CallInfo
	_, err := client.Put(kv.WithCallInfo(ctx, &put), key, []byte("routed"))
	require.NoError(t, err, "every request succeeds")
	v, err := client.Get(kv.WithCallInfo(ctx, &get), key)
	require.NoError(t, err, "every request succeeds")
	require.Equal(t, "routed", string(v.Data))
	id, url := viewLeader(t, c, pid)
	want := kv.CallInfo{Attempts: 1, Endpoint: url, Node: id}
	return id != "" && put == want && get == want, fmt.Sprintf("put %+v, get %+v, leader %s at %s", put, get, id, url)
}

func TestClientRoutingFollowsALeaderChange(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, c *kv.LocalCluster, pid uint64, leader string)
	}{
		{"leadership transferred", func(t *testing.T, c *kv.LocalCluster, pid uint64, leader string) {
			to := "n1"
			if leader == to {
				to = "n2"
			}
			require.NoError(t, c.Controller().TransferLeader(testContext(t, 30*time.Second), pid, to))
		}},
		{"leader stopped", func(t *testing.T, c *kv.LocalCluster, _ uint64, leader string) {
			var i int
			_, err := fmt.Sscanf(leader, "n%d", &i)
			require.NoError(t, err)
			require.NoError(t, c.StopNode(i-1))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One partition: the controller never moves its leader to even
			// out leader counts, so only the change under test moves it.
			c := startControlled(t, kv.ClusterConfig{Nodes: 3, Partitions: 1})
			client := newRoutingClient(t, c)
			key := "route/leader-change"
			pid := partitionOf(t, c, key)
			waitFor(t, "a routed put to the leader", func() (bool, string) { return oneHop(t, client, c, key, pid) })
			old, _ := viewLeader(t, c, pid)

			tt.change(t, c, pid, old)
			waitFor(t, "a routed put to the new leader", func() (bool, string) {
				ok, state := oneHop(t, client, c, key, pid)
				id, _ := viewLeader(t, c, pid)
				return ok && id != old, state
			})
		})
	}
}
