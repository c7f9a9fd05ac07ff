package local

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
)

func TestDialAddr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"127.0.0.1:8080", "127.0.0.1:8080"},
		{"0.0.0.0:8080", "127.0.0.1:8080"},
		{"[::]:8080", "[::1]:8080"},
		{"10.0.0.7:8080", "10.0.0.7:8080"},
		{"db.example:8080", "db.example:8080"},
		{"not an address", "not an address"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, dialAddr(tt.in))
		})
	}
}

// TestRunStopsWhatItStartedWhenTheUICannotListen starts a system whose UI
// asks for an impossible port: Run reports it, after stopping the balancer
// and the cluster it had started.
func TestRunStopsWhatItStartedWhenTheUICannotListen(t *testing.T) {
	cfg := Config{Host: "127.0.0.1", Nodes: 1, Partitions: 1, Replicas: 1,
		BalancerAddr: "127.0.0.1:0", UIAddr: "127.0.0.1:-1",
		Raft: kv.LoopbackRaftConfig()}
	var out bytes.Buffer
	err := Run(t.Context(), cfg, slog.New(slog.DiscardHandler), &out)
	require.ErrorContains(t, err, "client UI: listen on 127.0.0.1:-1")
	assert.Empty(t, out.String(), "no banner for a system that did not start")
}
