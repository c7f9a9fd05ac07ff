package clitest

import (
	"bytes"
	"flag"
	"io"
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
