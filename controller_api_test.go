package kv_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/node/controller"
)

func TestControllerAPIRefusesBadInput(t *testing.T) {
	c := startControlled(t, kv.ClusterConfig{})
	waitFor(t, "a settled placement", func() (bool, string) { return settled(clusterView(t, c.Controller()), 3) })
	base := c.Controller().URL()
	api := newHTTPAPI(t)
	cases := []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"wait not a number", http.MethodGet, "/v1/cluster?wait=soon", "", 400, "bad_request"},
		{"join without addresses", http.MethodPost, "/v1/nodes", `{"id":"n9"}`, 400, "bad_request"},
		{"join with unknown field", http.MethodPost, "/v1/nodes", `{"id":"n9","addr":"x"}`, 400, "bad_request"},
		{"drain unknown node", http.MethodPost, "/v1/nodes/n9/drain", "", 404, "not_found"},
		{"remove unknown node", http.MethodDelete, "/v1/nodes/n9", "", 404, "not_found"},
		{"heartbeat of a stranger", http.MethodPost, "/v1/nodes/n9/heartbeat", `{"id":"n9"}`, 404, "not_found"},
		{"heartbeat under another ID", http.MethodPost, "/v1/nodes/n1/heartbeat", `{"id":"n2"}`, 400, "bad_request"},
		{"move of a non-number partition", http.MethodPost, "/v1/partitions/one/move", `{"from":"n1","to":"n2"}`, 400, "bad_request"},
		{"move of an unknown partition", http.MethodPost, "/v1/partitions/99/move", `{"from":"n1","to":"n2"}`, 404, "not_found"},
		{"move onto a node that has the replica", http.MethodPost, "/v1/partitions/1/move", `{"from":"n1","to":"n2"}`, 400, "bad_request"},
		{"transfer to a stranger", http.MethodPost, "/v1/partitions/1/transfer-leader", `{"to":"n9"}`, 400, "bad_request"},
		{"unknown local action", http.MethodPost, "/v1/local/nodes/n1/explode", "", 400, "bad_request"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			ans := api.do(tt.method, base+tt.path, body, nil)
			requireError(t, ans, tt.status, tt.code)
		})
	}
}

// The long poll answers when the view changes, and the event stream
// carries what happened.
func TestControllerWatch(t *testing.T) {
	c := startControlled(t, kv.ClusterConfig{Nodes: 4})
	ctl := c.Controller()
	waitFor(t, "a settled placement", func() (bool, string) { return settled(clusterView(t, ctl), 3) })
	ctx := testContext(t, 30*time.Second)

	events := streamEvents(t, ctx, ctl.URL())
	v := clusterView(t, ctl)
	changed := make(chan kv.ClusterView, 1)
	go func() {
		var next kv.ClusterView
		resp, err := http.Get(fmt.Sprintf("%s/v1/cluster?wait=%d", ctl.URL(), v.Version))
		if err == nil {
			_ = json.NewDecoder(resp.Body).Decode(&next)
			resp.Body.Close()
		}
		changed <- next
	}()
	require.NoError(t, ctl.Drain(ctx, "n4"))
	select {
	case next := <-changed:
		require.Greater(t, next.Version, v.Version)
	case <-ctx.Done():
		t.Fatal("the long poll did not answer")
	}
	waitForEvent(t, ctx, events, controller.EventNodeDraining, "n4")
	waitForEvent(t, ctx, events, controller.EventMoveStarted, "")
}

// streamEvents reads the controller's event stream into a channel.
func streamEvents(t *testing.T, ctx context.Context, base string) <-chan controller.Event {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/events", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	out := make(chan controller.Event, 256)
	go func() {
		defer resp.Body.Close()
		defer close(out)
		scanner := bufio.NewScanner(resp.Body)
		for scanner.Scan() {
			data, ok := strings.CutPrefix(scanner.Text(), "data: ")
			var e controller.Event
			if ok && json.Unmarshal([]byte(data), &e) == nil {
				out <- e
			}
		}
	}()
	return out
}

func waitForEvent(t *testing.T, ctx context.Context, events <-chan controller.Event, kind, nodeID string) controller.Event {
	t.Helper()
	for {
		select {
		case e, ok := <-events:
			require.True(t, ok, "the event stream ended before a %s event", kind)
			if e.Kind == kind && (nodeID == "" || e.Node == nodeID) {
				return e
			}
		case <-ctx.Done():
			t.Fatalf("no %s event for %q", kind, nodeID)
		}
	}
}

// A replica moved and a leadership transferred by hand end where asked.
func TestControllerManualMoveAndTransfer(t *testing.T) {
	c := startControlled(t, kv.ClusterConfig{Nodes: 4})
	ctl := c.Controller()
	waitFor(t, "a settled placement", func() (bool, string) { return settled(clusterView(t, ctl), 3) })
	v := clusterView(t, ctl)
	p := v.Partitions[0]
	from, to := p.Replicas[0].Node, ""
	for _, n := range v.Nodes {
		if !hostsPartition(p, n.ID) {
			to = n.ID
		}
	}
	require.NotEmpty(t, to)
	api := newHTTPAPI(t)
	ans := api.do(http.MethodPost, fmt.Sprintf("%s/v1/partitions/%d/move", ctl.URL(), p.ID), []byte(fmt.Sprintf(`{"from":%q,"to":%q}`, from, to)), nil)
	require.Equal(t, http.StatusAccepted, ans.status, string(ans.body))
	waitFor(t, fmt.Sprintf("partition %d moved from %s to %s", p.ID, from, to), func() (bool, string) {
		v := clusterView(t, ctl)
		ok, state := settled(v, 3)
		return ok && hostsPartition(v.Partitions[0], to) && !hostsPartition(v.Partitions[0], from), state
	})

	p = clusterView(t, ctl).Partitions[0]
	target := p.Replicas[0].Node
	if target == p.Leader {
		target = p.Replicas[1].Node
	}
	transfer := fmt.Sprintf("%s/v1/partitions/%d/transfer-leader", ctl.URL(), p.ID)
	body := []byte(fmt.Sprintf(`{"to":%q}`, target))
	ans = api.do(http.MethodPost, transfer, body, nil)
	require.Equal(t, http.StatusOK, ans.status, string(ans.body))
	asked := time.Now()
	waitFor(t, fmt.Sprintf("partition %d led by %s", p.ID, target), func() (bool, string) {
		leader := clusterView(t, ctl).Partitions[0].Leader
		if leader != target && time.Since(asked) > transferRetry {
			// The transfer made the old leader step down, but on a starved
			// machine the election it started can elect another node: ask
			// again, as an operator would.
			_, _ = api.try(http.MethodPost, transfer, body, nil)
			asked = time.Now()
		}
		return leader == target, leader
	})
}

// transferRetry is how long TestControllerManualMoveAndTransfer waits for a
// requested leader before it asks again.
const transferRetry = 2 * time.Second

func hostsPartition(p controller.PartitionView, id string) bool {
	for _, r := range p.Replicas {
		if r.Node == id {
			return true
		}
	}
	return false
}
