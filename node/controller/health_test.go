package controller

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node"
)

func TestHealthTransitions(t *testing.T) {
	cfg := Config{ID: "c1", SuspectAfter: 3 * time.Second, DownAfter: 10 * time.Second}.withDefaults()
	h := newHealth(cfg)
	t0 := time.Unix(1000, 0)
	members := []string{"n1", "n2"}

	require.Empty(t, h.evaluate(members, t0), "first sight of members is no transition")
	h.observe(node.NodeReport{ID: "n1"}, t0.Add(2*time.Second))

	steps := []struct {
		at   time.Duration
		beat bool // n1 heartbeats at this time
		want []transition
	}{
		{at: 2 * time.Second, beat: true},
		{at: 3 * time.Second, want: []transition{{node: "n2", from: HealthUp, to: HealthSuspect}}},
		{at: 5 * time.Second, want: []transition{{node: "n1", from: HealthUp, to: HealthSuspect}}},
		{at: 10 * time.Second, want: []transition{{node: "n2", from: HealthSuspect, to: HealthDown}}},
		{at: 11 * time.Second, beat: true, want: []transition{{node: "n1", from: HealthSuspect, to: HealthUp}}},
		{at: 12 * time.Second},
	}
	for _, s := range steps {
		now := t0.Add(s.at)
		if s.beat {
			h.observe(node.NodeReport{ID: "n1"}, now)
		}
		require.ElementsMatch(t, s.want, h.evaluate(members, now), "at %s", s.at)
	}
	require.Equal(t, 2*time.Second, h.downFor("n2", t0.Add(12*time.Second)))
	require.Zero(t, h.downFor("n1", t0.Add(12*time.Second)))
	require.True(t, h.isUp("n1"))
	require.False(t, h.isUp("n2"))
}

func TestHealthForgetsRemovedMembers(t *testing.T) {
	h := newHealth(Config{ID: "c1"}.withDefaults())
	now := time.Unix(1000, 0)
	h.observe(node.NodeReport{ID: "n1", Replicas: []node.ReplicaStatus{{Partition: 1}}}, now)
	h.evaluate([]string{"n1"}, now)
	_, ok := h.report("n1")
	require.True(t, ok)
	h.evaluate(nil, now)
	_, ok = h.report("n1")
	require.False(t, ok)
}

func TestHealthUpReportsSkipDownNodes(t *testing.T) {
	h := newHealth(Config{ID: "c1", SuspectAfter: time.Second, DownAfter: 2 * time.Second}.withDefaults())
	t0 := time.Unix(1000, 0)
	h.observe(node.NodeReport{ID: "n1"}, t0)
	h.observe(node.NodeReport{ID: "n2"}, t0)
	h.evaluate([]string{"n1", "n2"}, t0)
	h.observe(node.NodeReport{ID: "n1"}, t0.Add(3*time.Second))
	h.evaluate([]string{"n1", "n2"}, t0.Add(3*time.Second))
	reports := h.upReports()
	require.Contains(t, reports, "n1")
	require.NotContains(t, reports, "n2")
}
