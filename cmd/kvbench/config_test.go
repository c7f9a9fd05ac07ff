package main

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/clitest"
)

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := parseConfig([]string{"-endpoints", "node.test:9001"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, targetTreekv, cfg.target)
	assert.Equal(t, 16, cfg.clients)
	assert.Equal(t, 10*time.Second, cfg.duration)
	assert.Equal(t, 10000, cfg.keys)
	assert.Equal(t, 256, cfg.valueSize)
	assert.Equal(t, consistencyLinearizable, cfg.consistency)
	assert.False(t, cfg.start)
	assert.Equal(t, viaLeaders, cfg.servers.via)
	assert.Equal(t, clientHTTP, cfg.treekv.client, "without -start there is no controller to route by")
}

func TestParseConfigTreekvClientFollowsVia(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantVia    string
		wantClient string
	}{
		{"start routes to the leaders by default", []string{"-start"}, viaLeaders, clientKV},
		{"compare routes to the leaders by default", []string{"-compare"}, viaLeaders, clientKV},
		{"leaders with kv", []string{"-start", "-treekv-via", "leaders", "-treekv-client", "kv"}, viaLeaders, clientKV},
		{"nodes", []string{"-start", "-treekv-via", "nodes"}, viaNodes, clientHTTP},
		{"nodes with kv", []string{"-start", "-treekv-via", "nodes", "-treekv-client", "kv"}, viaNodes, clientKV},
		{"balancer", []string{"-start", "-treekv-via", "balancer"}, viaBalance, clientHTTP},
		{"endpoints", []string{"-endpoints", "127.0.0.1:1"}, viaLeaders, clientHTTP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseConfig(tt.args, io.Discard)
			require.NoError(t, err)
			assert.Equal(t, tt.wantVia, cfg.servers.via)
			assert.Equal(t, tt.wantClient, cfg.treekv.client)
		})
	}
}

func TestParseConfigCompare(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantTarget string
		wantRepeat int
	}{
		{"defaults", []string{"-compare"}, targetEtcd, 3},
		{"chosen targets", []string{"-compare", "-targets", "redis,treekv", "-repeat", "1"}, targetRedis, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseConfig(tt.args, io.Discard)
			require.NoError(t, err)
			assert.True(t, cfg.start, "-compare implies -start")
			assert.Equal(t, tt.wantTarget, cfg.target)
			assert.Equal(t, tt.wantRepeat, cfg.repeat)
			assert.Equal(t, []int{1, 16, 64}, cfg.compareClients)
			assert.Equal(t, workloadNames(), cfg.workloads)
		})
	}
}

func TestParseConfigRefusesBadFlags(t *testing.T) {
	ep := []string{"-endpoints", "127.0.0.1:1"}
	with := func(args ...string) []string { return append(args, ep...) }
	clitest.RequireRefused(t, parseConfig, []clitest.Refusal{
		{Name: "argument", Args: with("extra"), Message: "no arguments"},
		{Name: "unknown target", Args: with("-target", "mysql"), Message: `-target "mysql"`},
		{Name: "no endpoints", Args: []string{"-target", "etcd"}, Message: "-endpoints is required without -start"},
		{Name: "endpoints with start", Args: with("-start"), Message: "exclude each other"},
		{Name: "pids with start", Args: []string{"-start", "-pids", "1"}, Message: "-pids and -start"},
		{Name: "bad pids", Args: with("-pids", "x"), Message: `"x" is not an integer`},
		{Name: "zero clients", Args: with("-clients", "0"), Message: "-clients (0) must be at least 1"},
		{Name: "zero duration", Args: with("-duration", "0s"), Message: "-duration (0s) must be positive"},
		{Name: "negative warmup", Args: with("-warmup", "-1s"), Message: "-warmup (-1s) cannot be negative"},
		{Name: "no keys", Args: with("-keys", "0"), Message: "-keys (0)"},
		{Name: "empty values", Args: with("-value-size", "0"), Message: "-value-size (0)"},
		{Name: "reads above 1", Args: with("-reads", "1.5"), Message: "-reads (1.5) must be between 0 and 1"},
		{Name: "reads below 0", Args: with("-reads", "-0.1"), Message: "-reads (-0.1)"},
		{Name: "consistency", Args: with("-consistency", "strong"), Message: `-consistency "strong"`},
		{Name: "two redis endpoints", Args: []string{"-target", "redis", "-endpoints", "a:1,b:2"}, Message: "redis takes one address"},
		{Name: "treekv client", Args: with("-treekv-client", "grpc"), Message: `-treekv-client "grpc"`},
		{Name: "etcd conns", Args: with("-etcd-conns", "-1"), Message: "-etcd-conns (-1)"},
		{Name: "negative max batch", Args: with("-treekv-max-batch", "-1"), Message: "-treekv-max-batch (-1)"},
		{Name: "max batch too large", Args: with("-treekv-max-batch", "1025"), Message: "-treekv-max-batch (1025)"},
		{Name: "via", Args: with("-treekv-via", "proxy"), Message: `-treekv-via "proxy"`},
		{Name: "leaders with http", Args: []string{"-start", "-treekv-via", "leaders", "-treekv-client", "http"}, Message: "-treekv-client http cannot route to the leaders"},
		{Name: "default via with http", Args: []string{"-compare", "-treekv-client", "http"}, Message: "-treekv-client http cannot route to the leaders"},
		{Name: "leaders without start", Args: with("-treekv-via", "leaders"), Message: "-treekv-via leaders needs -start"},
		{Name: "partitions", Args: with("-treekv-partitions", "0"), Message: "-treekv-partitions (0)"},
		{Name: "repeat", Args: []string{"-compare", "-repeat", "0"}, Message: "-repeat (0)"},
		{Name: "compare target", Args: []string{"-compare", "-targets", "etcd,consul"}, Message: `-targets "consul"`},
		{Name: "compare clients", Args: []string{"-compare", "-compare-clients", "1,0"}, Message: "0 clients"},
		{Name: "compare workload", Args: []string{"-compare", "-workloads", "put,scan"}, Message: `unknown workload "scan"`},
		{Name: "empty matrix", Args: []string{"-compare", "-workloads", ","}, Message: "cannot be empty"},
	})
}

func TestParseConfigHelp(t *testing.T) {
	clitest.RequireHelp(t, parseConfig, "-target", "-endpoints", "-clients", "-duration", "-warmup", "-keys",
		"-value-size", "-reads", "-consistency", "-start", "-compare", "-repeat", "-pids", "-treekv-via", "-controller-bin")
}
