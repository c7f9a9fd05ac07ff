package kv_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
)

// startControllers starts a group of n controller instances: the first
// starts the group, the others join it.
func startControllers(t *testing.T, n int) []*kv.Cluster {
	t.Helper()
	var group []*kv.Cluster
	for i := range n {
		cfg := *fastController()
		cfg.ID = fmt.Sprintf("c%d", i+1)
		cfg.Raft = kv.LoopbackRaftConfig()
		if i > 0 {
			cfg.Join = group[0].URL()
		}
		ctl, err := kv.NewCluster(cfg)
		require.NoError(t, err)
		t.Cleanup(func() { _ = ctl.Close() })
		group = append(group, ctl)
	}
	waitFor(t, fmt.Sprintf("%d controllers in the group", n), func() (bool, string) {
		v, err := group[0].View(context.Background())
		return err == nil && len(v.Controllers) == n, fmt.Sprintf("%+v %v", v.Controllers, err)
	})
	return group
}

func controllerURLs(group []*kv.Cluster) string {
	urls := make([]string, len(group))
	for i, c := range group {
		urls[i] = c.URL()
	}
	return strings.Join(urls, ",")
}

func leaderOfGroup(group []*kv.Cluster) *kv.Cluster {
	for _, c := range group {
		if c.IsLeader() {
			return c
		}
	}
	return nil
}

// Three controllers: the leader is killed, a new one is elected, the map
// is unchanged, and rebalancing continues.
func TestControllerLeaderFailover(t *testing.T) {
	group := startControllers(t, 3)
	c := startCluster(t, kv.ClusterConfig{JoinController: controllerURLs(group), HeartbeatInterval: 100 * time.Millisecond})
	old := leaderOfGroup(group)
	require.NotNil(t, old)
	waitFor(t, "a settled placement", func() (bool, string) {
		v, err := tryView(old)
		if err != nil {
			return false, err.Error()
		}
		return settled(v, 3)
	})
	before := clusterView(t, old).Map
	client := newPatientClient(t, c.Endpoints())
	acked := writeAcked(t, client, "ctl-failover", 20)

	require.NoError(t, old.Close())
	var next *kv.Cluster
	waitFor(t, "a new controller leader", func() (bool, string) {
		next = leaderOfGroup(group)
		return next != nil && next != old, "none"
	})
	require.Equal(t, before, clusterView(t, next).Map, "the map survives the controller leader")

	i, err := c.AddNode()
	require.NoError(t, err)
	id := fmt.Sprintf("n%d", i+1)
	waitFor(t, "replicas flowing onto "+id+" under the new leader", func() (bool, string) {
		v, err := tryView(next) // the group may elect again meanwhile
		if err != nil {
			return false, err.Error()
		}
		n := nodeView(v, id)
		ok, state := settled(v, 3)
		return ok && n.Replicas >= 5, fmt.Sprintf("%s: %d replicas; %s", id, n.Replicas, state)
	})
	requireAcked(t, client, acked)
}
