// Package cli holds what every treekv command's main does the same way:
// parse the flags, run until SIGINT or SIGTERM, and exit with a status that
// says how it went.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// Exit statuses of a command.
const (
	ExitOK    = 0 // ran and stopped cleanly, or printed its help
	ExitError = 1 // failed while running
	ExitUsage = 2 // bad flags or arguments
)

// ParseFunc reads a command's flags from args. It writes any problem (with
// the usage for a bad flag) to stderr, and returns flag.ErrHelp for -h.
type ParseFunc[C any] func(args []string, stderr io.Writer) (C, error)

// RunFunc runs a command with its configuration until ctx ends, then stops
// everything it started before it returns.
type RunFunc[C any] func(ctx context.Context, cfg C) error

// Main runs the command name: it parses os.Args with parse, runs run with a
// context canceled by the first SIGINT or SIGTERM (a second one kills the
// process at once), and exits with ExitOK, ExitError or ExitUsage.
func Main[C any](name string, parse ParseFunc[C], run RunFunc[C]) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop) // after the first signal, a second one kills at once
	code := Exec(ctx, name, os.Args[1:], os.Stderr, parse, run)
	stop()
	os.Exit(code)
}

// Exec is Main without the process: it parses args, runs, and returns the
// exit status. A run error is written to stderr as "name: error".
func Exec[C any](ctx context.Context, name string, args []string, stderr io.Writer, parse ParseFunc[C], run RunFunc[C]) int {
	cfg, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		return ExitUsage
	}
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return ExitError
	}
	return ExitOK
}

// Logger returns the logger of a command: text lines on stderr from level up.
func Logger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}
