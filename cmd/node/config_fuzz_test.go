package main

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/cli"
	"github.com/treekv/kv/cmd/internal/clitest"
)

// FuzzParseConfig parses arbitrary command lines. It never panics; a
// refusal is explained on stderr; an accepted configuration names the node
// and both its addresses, and a -join URL that reads back as itself.
func FuzzParseConfig(f *testing.F) {
	seeds := []string{
		"-id\nn1\n-peers\nn1=127.0.0.1:9001@127.0.0.1:9101,n2=127.0.0.1:9002@127.0.0.1:9102",
		"-id\nn1\n-join\nhttp://127.0.0.1:8080\n-http\n127.0.0.1:9001\n-raft\n127.0.0.1:9101",
		"-id\nn1\n-join\n127.0.0.1:8080\n-http\n0.0.0.0:9001\n-raft\n127.0.0.1:9101",
		"-id\nn1\n-join\nhttp://h:1\n-peers\nn1=a:1@b:2", "-id\nn3\n-peers\nn1=a:1@b:2", "-id\nn1\n-http\na:1",
		"-id\nn1\n-http\na:1\n-raft\nb:2\n-raft-dial-rewrite\nb:2=c:3,b:2=d:4", "-id\nn1\n-partitioner\nrange\n-split-keys\nm,g",
		"", "-h", "extra",
	}
	clitest.FuzzFlags(f, parseConfig, seeds, func(t *testing.T, _ []string, cfg config) {
		require.NotEmpty(t, cfg.id)
		require.NotEmpty(t, cfg.httpAddr)
		require.NotEmpty(t, cfg.raftAddr)
		if cfg.join != "" {
			again, err := cli.ControllerURL(cfg.join)
			require.NoError(t, err)
			require.Equal(t, cfg.join, again)
			require.Empty(t, cfg.peers, "a joining node has no peers")
		}
	})
}

// FuzzParseDialRewrite parses arbitrary -raft-dial-rewrite values. It
// never panics; an accepted value holds host:port pairs only, and written
// back in its own syntax it parses to the same rewrite.
func FuzzParseDialRewrite(f *testing.F) {
	for _, seed := range []string{
		"127.0.0.1:9101=127.0.0.1:19101", "a:1=b:2, c:3=d:4", "a:1=b:2,a:1=c:3", "a:1", "a:1=", "=b:2",
		"a:0=b:2", "[::1]:1=[::1]:2", "a:1=b:2=c:3", "",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rewrite, err := parseDialRewrite(s)
		if err != nil {
			return
		}
		var entries []string
		for _, from := range slices.Sorted(maps.Keys(rewrite)) {
			require.NoError(t, checkAddr("Raft", from))
			require.NoError(t, checkAddr("dial", rewrite[from]))
			entries = append(entries, from+"="+rewrite[from])
		}
		again, err := parseDialRewrite(strings.Join(entries, ","))
		require.NoError(t, err)
		require.Equal(t, rewrite, again)
	})
}
