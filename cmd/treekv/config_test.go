package main

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/clitest"
	"github.com/treekv/kv/cmd/internal/local"
)

func TestParseConfig(t *testing.T) {
	defaults := config{
		system: local.Config{Host: "127.0.0.1", HTTPBasePort: 9001, RaftBasePort: 9101, Nodes: 3,
			Partitions: 8, Replicas: 3, DataDir: "treekv-data"},
		controllerPort: 8080, controllerRaftPort: 9100, balancerPort: 8081, uiPort: 8082, logLevel: slog.LevelInfo,
	}
	tests := []struct {
		name string
		args []string
		want func(*config)
	}{
		{"defaults are the design's ports and shape", nil, func(*config) {}},
		{"every flag", []string{"-host", "0.0.0.0", "-http-base-port", "7001", "-raft-base-port", "7101",
			"-nodes", "5", "-partitions", "16", "-replicas", "5", "-data-dir", "/var/lib/treekv",
			"-controller-port", "7000", "-controller-raft-port", "7100", "-balancer-port", "7081", "-ui-port", "7082",
			"-log-level", "debug"},
			func(c *config) {
				*c = config{
					system: local.Config{Host: "0.0.0.0", HTTPBasePort: 7001, RaftBasePort: 7101, Nodes: 5,
						Partitions: 16, Replicas: 5, DataDir: "/var/lib/treekv"},
					controllerPort: 7000, controllerRaftPort: 7100, balancerPort: 7081, uiPort: 7082,
					logLevel: slog.LevelDebug,
				}
			}},
		{"empty data dir means in memory", []string{"-data-dir", ""}, func(c *config) { c.system.DataDir = "" }},
		{"port 0 lets the system pick", []string{"-http-base-port", "0", "-raft-base-port", "0", "-controller-port", "0",
			"-balancer-port", "0", "-ui-port", "0"},
			func(c *config) {
				c.system.HTTPBasePort, c.system.RaftBasePort, c.controllerPort, c.balancerPort, c.uiPort = 0, 0, 0, 0, 0
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			got, err := parseConfig(tt.args, &stderr)
			require.NoError(t, err)
			want := defaults
			tt.want(&want)
			assert.Equal(t, want, got)
			assert.Empty(t, stderr.String())
		})
	}
}

func TestParseConfigRefusesBadFlags(t *testing.T) {
	clitest.RequireRefused(t, parseConfig, []clitest.Refusal{
		{Name: "more replicas than nodes", Args: []string{"-nodes", "2"}, Message: "-replicas (3) must be from 1 to -nodes (2)"},
		{Name: "no nodes", Args: []string{"-nodes", "0", "-replicas", "0"}, Message: "-nodes (0) must be at least 1"},
		{Name: "no partitions", Args: []string{"-partitions", "0"}, Message: "-partitions (0) must be at least 1"},
		{Name: "ports past 65535", Args: []string{"-http-base-port", "65534"}, Message: "-http-base-port (65534) leaves no room for 3 ports"},
		{Name: "negative port", Args: []string{"-raft-base-port", "-1"}, Message: "-raft-base-port (-1)"},
		{Name: "controller port past 65535", Args: []string{"-controller-port", "70000"}, Message: "-controller-port (70000) must be from 0 to 65535"},
		{Name: "negative controller Raft port", Args: []string{"-controller-raft-port", "-1"}, Message: "-controller-raft-port (-1) must be from 0 to 65535"},
		{Name: "balancer port past 65535", Args: []string{"-balancer-port", "65536"}, Message: "-balancer-port (65536) must be from 0 to 65535"},
		{Name: "negative UI port", Args: []string{"-ui-port", "-1"}, Message: "-ui-port (-1) must be from 0 to 65535"},
		{Name: "arguments", Args: []string{"serve"}, Message: "flags only"},
		{Name: "unknown log level", Args: []string{"-log-level", "loud"}, Message: `invalid value "loud" for flag -log-level`},
		{Name: "unknown flag", Args: []string{"-port", "1"}, Message: "flag provided but not defined: -port"},
	})
}

func TestParseConfigHelp(t *testing.T) {
	clitest.RequireHelp(t, parseConfig, "-http-base-port", "-controller-port", "-balancer-port", "-ui-port")
}

func TestAllInOnePutsEveryServerOnHost(t *testing.T) {
	cfg := config{system: local.Config{Host: "::1", Nodes: 3}, controllerPort: 8080, controllerRaftPort: 9100,
		balancerPort: 8081, uiPort: 8082}
	got := cfg.allInOne()
	assert.Equal(t, kv.ControllerConfig{ID: "c1", HTTPAddr: "[::1]:8080", RaftAddr: "[::1]:9100"}, got.Controller)
	assert.Equal(t, "[::1]:8081", got.BalancerAddr)
	assert.Equal(t, "[::1]:8082", got.UIAddr)
	assert.Equal(t, 3, got.Nodes, "the nodes as the flags ask")
}
