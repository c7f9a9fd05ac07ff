package dashboard_test

import (
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/controller"
)

func TestZZVisual(t *testing.T) {
	if os.Getenv("ZZ_VISUAL") == "" {
		t.Skip()
	}
	fake, srv := startFakeController(t)
	fake.mu.Lock()
	v := &fake.view
	v.Nodes = append(v.Nodes, controller.NodeView{ID: "n4", HTTPAddr: "127.0.0.1:9004", RaftAddr: "127.0.0.1:9104",
		Health: controller.HealthSuspect, Draining: true, LastHeartbeat: time.Now().Add(-7 * time.Second), Keys: 900, Bytes: 120_000, RequestsPerSec: 3})
	v.Partitions[0].Replicas[2].Role = controller.RoleCatchingUp
	v.Partitions[0].Replicas[2].Lag = 42
	v.Partitions[1].Replicas = append(v.Partitions[1].Replicas, controller.ReplicaView{Node: "n4", Role: controller.RoleLearner, Lag: 900})
	v.Partitions[2].Replicas[0].Role = controller.RoleCandidate
	v.Partitions[3].Replicas[1].Role = controller.RoleMissing
	v.Moves = []controller.Move{{Partition: 2, From: "n1", To: "n4", Reason: "rebalance", Started: time.Now().Add(-75 * time.Second)}}
	fake.changeLocked()
	fake.mu.Unlock()
	ctx := newBrowser(t)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL)))
	time.Sleep(25 * time.Second)
	click(t, ctx, `#grid tr[data-partition="2"]`)
	waitVisible(t, ctx, `#details-body`)
	saveScreenshots(t, ctx)
}
