package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/cli"
)

// fuzzArgs splits a fuzzed command line into arguments, one per line.
func fuzzArgs(line string) []string {
	if line == "" {
		return nil
	}
	return strings.Split(line, "\n")
}

// FuzzParseConfig parses arbitrary command lines. It never panics; a
// refusal is explained on stderr; an accepted configuration passes the
// checks the controller and its nodes make at start.
func FuzzParseConfig(f *testing.F) {
	for _, seed := range []string{
		"", "-id\nc2\n-join\nhttp://127.0.0.1:8080", "-join\n127.0.0.1:8080/x", "-join\nhttp://h:1\n-nodes\n2",
		"-suspect-after\n5s\n-down-after\n4s", "-nodes\n-1", "-replicas\n4\n-nodes\n3", "-http-base-port\n65535\n-nodes\n2",
		"-id=", "-replace-after\n0s", "-h", "extra",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		var stderr bytes.Buffer
		cfg, err := parseConfig(fuzzArgs(line), &stderr)
		if err != nil {
			require.NotEmpty(t, stderr.String(), "a refusal says why")
			return
		}
		ctl := cfg.system.Controller
		require.NotEmpty(t, ctl.ID)
		require.Positive(t, ctl.SuspectAfter)
		require.Greater(t, ctl.DownAfter, ctl.SuspectAfter)
		require.NoError(t, cfg.system.Validate())
		if ctl.Join != "" {
			require.Zero(t, cfg.system.Nodes, "a joining controller runs no nodes")
			again, err := cli.ControllerURL(ctl.Join)
			require.NoError(t, err)
			require.Equal(t, ctl.Join, again)
		}
	})
}
