package main

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/clitest"
)

// FuzzParseConfig parses arbitrary command lines. It never panics; a
// refusal is explained on stderr; an accepted configuration describes a
// whole system that passes its own checks, on ports that exist.
func FuzzParseConfig(f *testing.F) {
	seeds := []string{
		"", "-nodes\n1\n-replicas\n1", "-nodes\n0", "-ui-port\n65536", "-controller-port\n-1", "-host\n::1",
		"-http-base-port\n65535\n-nodes\n2", "-partitions\n0", "-data-dir=", "-h", "extra",
	}
	clitest.FuzzFlags(f, parseConfig, seeds, func(t *testing.T, _ []string, cfg config) {
		require.NoError(t, cfg.validate(0))
		require.NoError(t, cfg.allInOne().Validate())
	})
}
