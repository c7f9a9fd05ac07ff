package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fuzzArgs splits a fuzzed command line into arguments, one per line.
func fuzzArgs(line string) []string {
	if line == "" {
		return nil
	}
	return strings.Split(line, "\n")
}

// FuzzParseConfig parses arbitrary command lines. It never panics; a
// refusal is explained on stderr; an accepted configuration has a listen
// address and only non-blank endpoints, and parsing is deterministic.
func FuzzParseConfig(f *testing.F) {
	for _, seed := range []string{
		"", "-http\n127.0.0.1:0", "-endpoints\na:1, ,http://b:2/", "-endpoints\n,,", "-http=",
		"-log-level\nshout", "-h", "extra", "-endpoints=x\n-endpoints=y", "--http\n:8082\nstray",
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
		require.NotEmpty(t, cfg.httpAddr)
		require.NotEmpty(t, cfg.endpoints)
		for _, e := range cfg.endpoints {
			require.Equal(t, strings.TrimSpace(e), e)
			require.NotEmpty(t, e)
		}
		again, err := parseConfig(fuzzArgs(line), &bytes.Buffer{})
		require.NoError(t, err)
		require.Equal(t, cfg, again)
	})
}
