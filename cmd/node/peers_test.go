package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/part"
)

func TestParsePeers(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []part.NodeInfo
	}{
		{"one node", "n1=node.test:9001@node.test:9101",
			[]part.NodeInfo{{ID: "n1", HTTPAddr: "node.test:9001", RaftAddr: "node.test:9101"}}},
		{"order is kept", "b=h2:1@h2:2,a=h1:1@h1:2", []part.NodeInfo{
			{ID: "b", HTTPAddr: "h2:1", RaftAddr: "h2:2"}, {ID: "a", HTTPAddr: "h1:1", RaftAddr: "h1:2"}}},
		{"spaces around entries", " n1=a:1@a:2 , n2=b:1@b:2 ", []part.NodeInfo{
			{ID: "n1", HTTPAddr: "a:1", RaftAddr: "a:2"}, {ID: "n2", HTTPAddr: "b:1", RaftAddr: "b:2"}}},
		{"IPv6 addresses", "n1=[::1]:9001@[::1]:9101",
			[]part.NodeInfo{{ID: "n1", HTTPAddr: "[::1]:9001", RaftAddr: "[::1]:9101"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parsePeers(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParsePeersRefusesBadLists(t *testing.T) {
	tests := []struct {
		name, in, message string
	}{
		{"empty", "", "want id=httpAddr@raftAddr"},
		{"no ID", "=a:1@a:2", "want id=httpAddr@raftAddr"},
		{"no =", "n1", "want id=httpAddr@raftAddr"},
		{"no @", "n1=a:1", "no @ between the addresses"},
		{"HTTP address without port", "n1=a@a:2", `HTTP address "a"`},
		{"Raft address without host", "n1=a:1@:2", `Raft address ":2" needs a host`},
		{"port 0 cannot be dialed", "n1=a:0@a:2", "needs a host and a port"},
		{"trailing comma", "n1=a:1@a:2,", "peer 2"},
		{"duplicate ID", "n1=a:1@a:2,n1=b:1@b:2", `node ID "n1" appears twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parsePeers(tt.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.message)
		})
	}
}

// FuzzParsePeers checks that any input either fails or yields distinct,
// complete entries that format back to a list parsing to the same peers.
func FuzzParsePeers(f *testing.F) {
	f.Add("n1=node.test:9001@node.test:9101,n2=node.test:9002@node.test:9102")
	f.Add("n1=[::1]:1@[::1]:2")
	f.Add("=@,")
	f.Fuzz(func(t *testing.T, in string) {
		peers, err := parsePeers(in)
		if err != nil {
			return
		}
		entries := make([]string, len(peers))
		ids := map[string]bool{}
		for i, p := range peers {
			require.NotEmpty(t, p.ID)
			require.False(t, ids[p.ID], "duplicate ID %q", p.ID)
			ids[p.ID] = true
			entries[i] = fmt.Sprintf("%s=%s@%s", p.ID, p.HTTPAddr, p.RaftAddr)
		}
		again, err := parsePeers(strings.Join(entries, ","))
		require.NoError(t, err)
		require.Equal(t, peers, again)
	})
}
