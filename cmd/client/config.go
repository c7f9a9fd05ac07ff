package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// config is what the flags ask of the client UI process.
type config struct {
	httpAddr  string
	endpoints []string
	logLevel  slog.Level
}

// parseConfig reads the flags in args. It writes any problem (with the usage
// for a bad flag) to stderr and returns flag.ErrHelp for -h.
func parseConfig(args []string, stderr io.Writer) (config, error) {
	var cfg config
	var endpoints string
	fs := flag.NewFlagSet("client", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.httpAddr, "http", "127.0.0.1:8082", "listen address of the web UI")
	fs.StringVar(&endpoints, "endpoints", "localhost:8081",
		"comma-separated balancer or node addresses (host:port or http(s):// URLs) the UI calls")
	fs.TextVar(&cfg.logLevel, "log-level", slog.LevelInfo, "log level: debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	cfg.endpoints = splitEndpoints(endpoints)
	if err := cfg.check(fs); err != nil {
		fmt.Fprintln(stderr, "client:", err)
		return config{}, err
	}
	return cfg, nil
}

// check says what is wrong with the flags, if anything.
func (c *config) check(fs *flag.FlagSet) error {
	switch {
	case fs.NArg() > 0:
		return errors.New("client takes flags only, no arguments")
	case c.httpAddr == "":
		return errors.New("-http cannot be empty")
	case len(c.endpoints) == 0:
		return errors.New("-endpoints needs at least one address, such as localhost:8081")
	}
	return nil
}

// splitEndpoints splits a comma-separated list, dropping blanks.
func splitEndpoints(s string) []string {
	var out []string
	for e := range strings.SplitSeq(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}
