package main

import (
	"bytes"
	"flag"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseConfig(t *testing.T) {
	defaults := config{host: "127.0.0.1", httpBasePort: 9001, raftBasePort: 9101, nodes: 3,
		partitions: 8, replicas: 3, dataDir: "treekv-data", logLevel: slog.LevelInfo}
	tests := []struct {
		name string
		args []string
		want func(*config)
	}{
		{"defaults are the design's ports and shape", nil, func(*config) {}},
		{"every flag", []string{"-host", "0.0.0.0", "-http-base-port", "7001", "-raft-base-port", "7101",
			"-nodes", "5", "-partitions", "16", "-replicas", "5", "-data-dir", "/var/lib/treekv", "-log-level", "debug"},
			func(c *config) {
				*c = config{host: "0.0.0.0", httpBasePort: 7001, raftBasePort: 7101, nodes: 5,
					partitions: 16, replicas: 5, dataDir: "/var/lib/treekv", logLevel: slog.LevelDebug}
			}},
		{"empty data dir means in memory", []string{"-data-dir", ""}, func(c *config) { c.dataDir = "" }},
		{"port 0 lets the system pick", []string{"-http-base-port", "0", "-raft-base-port", "0"},
			func(c *config) { c.httpBasePort, c.raftBasePort = 0, 0 }},
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
	tests := []struct {
		name    string
		args    []string
		message string
	}{
		{"more replicas than nodes", []string{"-nodes", "2"}, "-replicas (3) must be from 1 to -nodes (2)"},
		{"no nodes", []string{"-nodes", "0", "-replicas", "0"}, "-nodes (0) must be at least 1"},
		{"no partitions", []string{"-partitions", "0"}, "-partitions (0) must be at least 1"},
		{"ports past 65535", []string{"-http-base-port", "65534"}, "-http-base-port (65534) leaves no room for 3 ports"},
		{"negative port", []string{"-raft-base-port", "-1"}, "-raft-base-port (-1)"},
		{"arguments", []string{"serve"}, "flags only"},
		{"unknown log level", []string{"-log-level", "loud"}, `invalid value "loud" for flag -log-level`},
		{"unknown flag", []string{"-port", "1"}, "flag provided but not defined: -port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			_, err := parseConfig(tt.args, &stderr)
			require.Error(t, err)
			assert.Contains(t, stderr.String(), tt.message)
		})
	}
}

func TestParseConfigHelp(t *testing.T) {
	var stderr bytes.Buffer
	_, err := parseConfig([]string{"-h"}, &stderr)
	require.ErrorIs(t, err, flag.ErrHelp)
	assert.Contains(t, stderr.String(), "-http-base-port")
}

func TestAddrs(t *testing.T) {
	tests := []struct {
		name string
		cfg  config
		base int
		want []string
	}{
		{"count up from the base", config{host: "127.0.0.1", nodes: 3}, 9001,
			[]string{"127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"}},
		{"base 0 gives every node port 0", config{host: "127.0.0.1", nodes: 2}, 0,
			[]string{"127.0.0.1:0", "127.0.0.1:0"}},
		{"IPv6 hosts are bracketed", config{host: "::1", nodes: 1}, 9101, []string{"[::1]:9101"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.cfg.addrs(tt.base))
		})
	}
}

func TestCurlAddr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"127.0.0.1:9001", "localhost:9001"},
		{"0.0.0.0:9001", "localhost:9001"},
		{"[::1]:9001", "localhost:9001"},
		{"10.0.0.7:9001", "10.0.0.7:9001"},
		{"db.example:9001", "db.example:9001"},
		{"not an address", "not an address"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, curlAddr(tt.in))
		})
	}
}
