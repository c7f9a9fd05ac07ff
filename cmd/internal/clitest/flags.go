package clitest

import (
	"bytes"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Refusal is a command line a command must refuse, and a part of what it
// must print about it.
type Refusal struct {
	Name    string
	Args    []string
	Message string
}

// Parser is a command's flag parser: it reads args and writes any problem,
// with the usage, to stderr.
type Parser[C any] func(args []string, stderr io.Writer) (C, error)

// RequireRefused checks that parse refuses every case and prints its message.
func RequireRefused[C any](t *testing.T, parse Parser[C], cases []Refusal) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			var stderr bytes.Buffer
			_, err := parse(tt.Args, &stderr)
			require.Error(t, err)
			assert.Contains(t, stderr.String(), tt.Message)
		})
	}
}

// RequireHelp checks that -h answers flag.ErrHelp with a usage naming every
// one of flags.
func RequireHelp[C any](t *testing.T, parse Parser[C], flags ...string) {
	t.Helper()
	var stderr bytes.Buffer
	_, err := parse([]string{"-h"}, &stderr)
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, f := range flags {
		assert.Contains(t, stderr.String(), f)
	}
}

// FuzzFlags fuzzes parse with command lines, each holding one argument a
// line, starting from seeds. Whatever the line, parse does not panic, and
// a refusal is explained on stderr; an accepted configuration goes to
// check, with the arguments it was parsed from, which asserts what the
// command guarantees of it.
func FuzzFlags[C any](f *testing.F, parse Parser[C], seeds []string, check func(t *testing.T, args []string, cfg C)) {
	for _, seed := range seeds {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		var stderr bytes.Buffer
		args := lineArgs(line)
		cfg, err := parse(args, &stderr)
		if err != nil {
			require.NotEmpty(t, stderr.String(), "a refusal says why")
			return
		}
		check(t, args, cfg)
	})
}

// lineArgs splits a fuzzed command line into arguments, one per line.
func lineArgs(line string) []string {
	if line == "" {
		return nil
	}
	return strings.Split(line, "\n")
}
