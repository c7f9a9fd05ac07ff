package main

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/clitest"
)

// FuzzParseConfig parses arbitrary command lines. It never panics; a
// refusal is explained on stderr; an accepted configuration is one the
// balancer accepts, with a controller or backends to send requests to.
func FuzzParseConfig(f *testing.F) {
	seeds := []string{
		"", "-controller\n\n-backends\n127.0.0.1:9001,http://127.0.0.1:9002", "-controller=\n-backends=",
		"-backends\nftp://x:1", "-policy\nleader-aware", "-policy\nrandom", "-rise\n0", "-eject-base\n2s\n-eject-max\n1s",
		"-controller\nhttp://a:1,http://b:2", "-max-retries\n-3", "-h", "extra",
	}
	clitest.FuzzFlags(f, parseConfig, seeds, func(t *testing.T, _ []string, cfg config) {
		require.NoError(t, cfg.balancer.Validate())
		require.True(t, cfg.balancer.Controller != "" || len(cfg.balancer.Backends) > 0)
	})
}
