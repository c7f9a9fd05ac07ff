package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/clitest"
)

// FuzzParseConfig parses arbitrary command lines. It never panics; a
// refusal is explained on stderr; an accepted configuration has a listen
// address and only non-blank endpoints, and parsing is deterministic.
func FuzzParseConfig(f *testing.F) {
	seeds := []string{
		"", "-http\n127.0.0.1:0", "-endpoints\na:1, ,http://b:2/", "-endpoints\n,,", "-http=",
		"-log-level\nshout", "-h", "extra", "-endpoints=x\n-endpoints=y", "--http\n:8082\nstray",
	}
	clitest.FuzzFlags(f, parseConfig, seeds, func(t *testing.T, args []string, cfg config) {
		require.NotEmpty(t, cfg.httpAddr)
		require.NotEmpty(t, cfg.endpoints)
		for _, e := range cfg.endpoints {
			require.Equal(t, strings.TrimSpace(e), e)
			require.NotEmpty(t, e)
		}
		again, err := parseConfig(args, &bytes.Buffer{})
		require.NoError(t, err)
		require.Equal(t, cfg, again)
	})
}
