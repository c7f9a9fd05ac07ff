package main

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/clitest"
	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/part"
)

const threePeers = "n1=node.test:9001@node.test:9101,n2=node.test:9002@node.test:9102,n3=node.test:9003@node.test:9103"

func TestParseConfig(t *testing.T) {
	peers, err := parsePeers(threePeers)
	require.NoError(t, err)
	base := config{id: "n2", httpAddr: "node.test:9002", raftAddr: "node.test:9102", peers: peers,
		partitioner: part.KindHash, partitions: 8, replicas: 3, logLevel: slog.LevelInfo, raftLog: node.RaftLogShared}
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
		{"raft logs in a file per replica", []string{"-raft-log", "boltdb"}, func(c *config) { c.raftLog = node.RaftLogBoltDB }},
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
	clitest.RequireRefused(t, parseConfig, []clitest.Refusal{
		{Name: "no ID", Args: []string{"-peers", threePeers}, Message: "-id is required"},
		{Name: "unknown raft log", Args: []string{"-id", "n1", "-peers", threePeers, "-raft-log", "wal"}, Message: `-raft-log is "wal": use shared or boltdb`},
		{Name: "ID not among the peers", Args: []string{"-id", "n9", "-peers", threePeers}, Message: `-peers does not list this node ("n9")`},
		{Name: "no peers and no addresses", Args: []string{"-id", "n1"}, Message: "-http and -raft are required without -peers"},
		{Name: "bad peers", Args: []string{"-id", "n1", "-peers", "n1"}, Message: `invalid value "n1" for flag -peers`},
		{Name: "arguments", Args: []string{"-id", "n1", "-peers", threePeers, "start"}, Message: "flags only"},
	})
}

func TestParseConfigHelp(t *testing.T) {
	clitest.RequireHelp(t, parseConfig, "-peers")
}

func TestParseConfigJoin(t *testing.T) {
	base := config{id: "n4", httpAddr: "node.test:9004", raftAddr: "node.test:9104", join: "http://controller.test:8080",
		partitioner: part.KindHash, partitions: 8, replicas: 3, logLevel: slog.LevelInfo, raftLog: node.RaftLogShared}
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
	clitest.RequireRefused(t, parseConfig, []clitest.Refusal{
		{Name: "-peers too", Args: append(addrs, "-peers", threePeers), Message: "-peers cannot be used with -join: the controller places the partitions"},
		{Name: "a placement flag", Args: append(addrs, "-partitions", "16"), Message: "-partitions cannot be used with -join"},
		{Name: "no addresses", Args: []string{"-id", "n4", "-join", "http://controller.test:8080"}, Message: "-http and -raft are required with -join"},
		{Name: "a wildcard address", Args: []string{"-id", "n4", "-http", "0.0.0.0:9004", "-raft", "node.test:9104", "-join", "controller.test:8080"},
			Message: `-http: HTTP address "0.0.0.0:9004" is a wildcard`},
		{Name: "port 0", Args: []string{"-id", "n4", "-http", "node.test:9004", "-raft", "node.test:0", "-join", "controller.test:8080"},
			Message: `-raft: Raft address "node.test:0" needs a host and a port`},
		{Name: "not a URL", Args: []string{"-id", "n4", "-join", "ftp://controller.test"}, Message: `invalid value "ftp://controller.test" for flag -join`},
		{Name: "no ID", Args: []string{"-join", "controller.test:8080"}, Message: "-id is required"},
	})
}
