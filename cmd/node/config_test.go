package main

import (
	"bytes"
	"flag"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/part"
)

const threePeers = "n1=node.test:9001@node.test:9101,n2=node.test:9002@node.test:9102,n3=node.test:9003@node.test:9103"

func TestParseConfig(t *testing.T) {
	peers, err := parsePeers(threePeers)
	require.NoError(t, err)
	base := config{id: "n2", httpAddr: "node.test:9002", raftAddr: "node.test:9102", peers: peers,
		partitioner: part.KindHash, partitions: 8, replicas: 3, logLevel: slog.LevelInfo}
	tests := []struct {
		name string
		args []string
		want func(*config)
	}{
		{"addresses default to this node's peer entry", nil, func(*config) {}},
		{"listen addresses may differ from the advertised ones", []string{"-http", "0.0.0.0:9002", "-raft", "0.0.0.0:9102"},
			func(c *config) { c.httpAddr, c.raftAddr = "0.0.0.0:9002", "0.0.0.0:9102" }},
		{"range partitions come from the split keys", []string{"-partitioner", "range", "-split-keys", "g,p"},
			func(c *config) { c.partitioner, c.partitions, c.splitKeys = part.KindRange, 0, []string{"g", "p"} }},
		{"an explicit partition count is kept for range", []string{"-partitioner", "range", "-partitions", "3", "-split-keys", "g,p"},
			func(c *config) { c.partitioner, c.partitions, c.splitKeys = part.KindRange, 3, []string{"g", "p"} }},
		{"other flags", []string{"-data-dir", "/data", "-replicas", "1", "-partitions", "16", "-pprof", "-log-level", "warn"},
			func(c *config) {
				c.dataDir, c.replicas, c.partitions, c.pprof, c.logLevel = "/data", 1, 16, true, slog.LevelWarn
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-id", "n2", "-peers", threePeers}, tt.args...)
			got, err := parseConfig(args, new(bytes.Buffer))
			require.NoError(t, err)
			want := base
			tt.want(&want)
			assert.Equal(t, want, got)
		})
	}
}

func TestParseConfigWithoutPeersNeedsAddresses(t *testing.T) {
	got, err := parseConfig([]string{"-id", "n1", "-http", "node.test:9001", "-raft", "node.test:9101", "-data-dir", "d"}, new(bytes.Buffer))
	require.NoError(t, err)
	assert.Equal(t, "node.test:9001", got.httpAddr)
	assert.Empty(t, got.peers)
}

func TestParseConfigRefusesBadFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		message string
	}{
		{"no ID", []string{"-peers", threePeers}, "-id is required"},
		{"ID not among the peers", []string{"-id", "n9", "-peers", threePeers}, `-peers does not list this node ("n9")`},
		{"no peers and no addresses", []string{"-id", "n1"}, "-http and -raft are required without -peers"},
		{"bad peers", []string{"-id", "n1", "-peers", "n1"}, `invalid value "n1" for flag -peers`},
		{"arguments", []string{"-id", "n1", "-peers", threePeers, "start"}, "flags only"},
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
	assert.Contains(t, stderr.String(), "-peers")
}

func TestParseConfigJoin(t *testing.T) {
	base := config{id: "n4", httpAddr: "node.test:9004", raftAddr: "node.test:9104", join: "http://controller.test:8080",
		partitioner: part.KindHash, partitions: 8, replicas: 3, logLevel: slog.LevelInfo}
	tests := []struct {
		name string
		join string
		args []string
		want func(*config)
	}{
		{"a controller URL", "http://controller.test:8080", nil, func(*config) {}},
		{"a bare host:port is an http URL", "controller.test:8080", nil, func(*config) {}},
		{"other flags", "https://controller.test/", []string{"-data-dir", "/data", "-pprof"},
			func(c *config) { c.join, c.dataDir, c.pprof = "https://controller.test", "/data", true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-id", "n4", "-http", "node.test:9004", "-raft", "node.test:9104", "-join", tt.join}, tt.args...)
			var stderr bytes.Buffer
			got, err := parseConfig(args, &stderr)
			require.NoError(t, err, stderr.String())
			want := base
			tt.want(&want)
			assert.Equal(t, want, got)
		})
	}
}

func TestParseConfigJoinRefusesBadFlags(t *testing.T) {
	addrs := []string{"-id", "n4", "-http", "node.test:9004", "-raft", "node.test:9104", "-join", "http://controller.test:8080"}
	tests := []struct {
		name    string
		args    []string
		message string
	}{
		{"-peers too", append(addrs, "-peers", threePeers), "-peers cannot be used with -join: the controller places the partitions"},
		{"a placement flag", append(addrs, "-partitions", "16"), "-partitions cannot be used with -join"},
		{"no addresses", []string{"-id", "n4", "-join", "http://controller.test:8080"}, "-http and -raft are required with -join"},
		{"a wildcard address", []string{"-id", "n4", "-http", "0.0.0.0:9004", "-raft", "node.test:9104", "-join", "controller.test:8080"},
			`-http: HTTP address "0.0.0.0:9004" is a wildcard`},
		{"port 0", []string{"-id", "n4", "-http", "node.test:9004", "-raft", "node.test:0", "-join", "controller.test:8080"},
			`-raft: Raft address "node.test:0" needs a host and a port`},
		{"not a URL", []string{"-id", "n4", "-join", "ftp://controller.test"}, `invalid value "ftp://controller.test" for flag -join`},
		{"no ID", []string{"-join", "controller.test:8080"}, "-id is required"},
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
