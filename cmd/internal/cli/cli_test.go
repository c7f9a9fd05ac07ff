package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestExec(t *testing.T) {
	parse := func(args []string, stderr io.Writer) (string, error) {
		switch args[0] {
		case "-h":
			return "", flag.ErrHelp
		case "-bad":
			return "", errors.New("bad flag")
		}
		return args[0], nil
	}
	run := func(ctx context.Context, cfg string) error {
		if cfg == "fail" {
			return errors.New("port in use")
		}
		return nil
	}
	tests := []struct {
		name   string
		arg    string
		code   int
		stderr string
	}{
		{"a clean run exits 0", "ok", ExitOK, ""},
		{"help exits 0", "-h", ExitOK, ""},
		{"bad flags exit 2", "-bad", ExitUsage, ""},
		{"a failed run exits 1 and says why", "fail", ExitError, "cmd: port in use\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := Exec(t.Context(), "cmd", []string{tt.arg}, &stderr, parse, run)
			assert.Equal(t, tt.code, code)
			assert.Equal(t, tt.stderr, stderr.String())
		})
	}
}

func TestExecPassesTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var seen error
	code := Exec(ctx, "cmd", nil, io.Discard,
		func([]string, io.Writer) (int, error) { return 0, nil },
		func(ctx context.Context, _ int) error { seen = ctx.Err(); return nil })
	assert.Equal(t, ExitOK, code)
	assert.ErrorIs(t, seen, context.Canceled)
}
