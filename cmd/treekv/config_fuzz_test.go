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
// refusal is explained on stderr; an accepted configuration describes a
// whole system that passes its own checks, on ports that exist.
func FuzzParseConfig(f *testing.F) {
	for _, seed := range []string{
		"", "-nodes\n1\n-replicas\n1", "-nodes\n0", "-ui-port\n65536", "-controller-port\n-1", "-host\n::1",
		"-http-base-port\n65535\n-nodes\n2", "-partitions\n0", "-data-dir=", "-h", "extra",
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
		require.NoError(t, cfg.validate(0))
		require.NoError(t, cfg.allInOne().Validate())
	})
}
