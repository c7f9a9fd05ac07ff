package main

import (
	"bytes"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/clitest"
	"github.com/treekv/kv/cmd/internal/local"
)

func defaultConfig() config {
	return config{
		system: local.Config{Host: "127.0.0.1", HTTPBasePort: 9001, RaftBasePort: 9101, Nodes: 3,
			Partitions: 8, Replicas: 3, DataDir: "treekv-data",
			Controller: kv.ControllerConfig{ID: "c1", HTTPAddr: "127.0.0.1:8080", RaftAddr: "127.0.0.1:9100",
				SuspectAfter: 3 * time.Second, DownAfter: 10 * time.Second, ReplaceAfter: 30 * time.Second}},
		logLevel: slog.LevelInfo,
	}
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want func(*config)
	}{
		{"defaults: a controller with 3 embedded nodes on the design's ports", nil, func(*config) {}},
		{"a controller alone", []string{"-nodes", "0"}, func(c *config) { c.system.Nodes = 0 }},
		{"controller flags", []string{"-id", "c2", "-http", "0.0.0.0:8090", "-raft", "10.0.0.2:9190",
			"-suspect-after", "1s", "-down-after", "5s", "-replace-after", "1m", "-log-level", "debug"},
			func(c *config) {
				c.system.Controller = kv.ControllerConfig{ID: "c2", HTTPAddr: "0.0.0.0:8090", RaftAddr: "10.0.0.2:9190",
					SuspectAfter: time.Second, DownAfter: 5 * time.Second, ReplaceAfter: time.Minute}
				c.logLevel = slog.LevelDebug
			}},
		{"node flags", []string{"-host", "0.0.0.0", "-http-base-port", "7001", "-raft-base-port", "7101",
			"-nodes", "5", "-partitions", "16", "-replicas", "5", "-data-dir", ""},
			func(c *config) {
				s := &c.system
				s.Host, s.HTTPBasePort, s.RaftBasePort, s.Nodes, s.Partitions, s.Replicas, s.DataDir =
					"0.0.0.0", 7001, 7101, 5, 16, 5, ""
			}},
		{"-join implies -nodes 0", []string{"-id", "c2", "-join", "http://controller.test:8080/"},
			func(c *config) {
				c.system.Controller.ID, c.system.Controller.Join, c.system.Nodes = "c2", "http://controller.test:8080", 0
			}},
		{"-join takes a bare host:port", []string{"-join", "controller.test:8080", "-nodes", "0"},
			func(c *config) { c.system.Controller.Join, c.system.Nodes = "http://controller.test:8080", 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			got, err := parseConfig(tt.args, &stderr)
			require.NoError(t, err, stderr.String())
			want := defaultConfig()
			tt.want(&want)
			assert.Equal(t, want, got)
			assert.Empty(t, stderr.String())
		})
	}
}

func TestParseConfigRefusesBadFlags(t *testing.T) {
	clitest.RequireRefused(t, parseConfig, []clitest.Refusal{
		{Name: "empty ID", Args: []string{"-id", ""}, Message: "-id cannot be empty"},
		{Name: "-join with embedded nodes", Args: []string{"-join", "http://controller.test:8080", "-nodes", "3"}, Message: "drop -nodes 3"},
		{Name: "-join that is not a URL", Args: []string{"-join", "ftp://controller.test"}, Message: `invalid value "ftp://controller.test" for flag -join`},
		{Name: "down before suspect", Args: []string{"-suspect-after", "5s", "-down-after", "5s"}, Message: "-down-after (5s) must be longer than -suspect-after (5s)"},
		{Name: "no suspect time", Args: []string{"-suspect-after", "0s"}, Message: "-suspect-after (0s) must be positive"},
		{Name: "no replace time", Args: []string{"-replace-after", "0s"}, Message: "-replace-after (0s) must be positive"},
		{Name: "negative nodes", Args: []string{"-nodes", "-1"}, Message: "-nodes (-1) cannot be negative"},
		{Name: "more replicas than nodes", Args: []string{"-nodes", "2"}, Message: "-replicas (3) must be from 1 to -nodes (2)"},
		{Name: "no partitions", Args: []string{"-partitions", "0"}, Message: "-partitions (0) must be at least 1"},
		{Name: "arguments", Args: []string{"serve"}, Message: "flags only"},
		{Name: "unknown flag", Args: []string{"-port", "1"}, Message: "flag provided but not defined: -port"},
	})
}

func TestParseConfigHelp(t *testing.T) {
	clitest.RequireHelp(t, parseConfig, "-id", "-http", "-raft", "-join", "-nodes", "-suspect-after", "-down-after", "-replace-after")
}
