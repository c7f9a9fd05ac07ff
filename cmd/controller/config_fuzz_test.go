package main

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/cli"
	"github.com/treekv/kv/cmd/internal/clitest"
)

// FuzzParseConfig parses arbitrary command lines. It never panics; a
// refusal is explained on stderr; an accepted configuration passes the
// checks the controller and its nodes make at start.
func FuzzParseConfig(f *testing.F) {
	seeds := []string{
		"", "-id\nc2\n-join\nhttp://127.0.0.1:8080", "-join\n127.0.0.1:8080/x", "-join\nhttp://h:1\n-nodes\n2",
		"-suspect-after\n5s\n-down-after\n4s", "-nodes\n-1", "-replicas\n4\n-nodes\n3", "-http-base-port\n65535\n-nodes\n2",
		"-id=", "-replace-after\n0s", "-h", "extra",
	}
	clitest.FuzzFlags(f, parseConfig, seeds, func(t *testing.T, _ []string, cfg config) {
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
