package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/treekv/kv"
	"github.com/treekv/kv/node/balancer"
)

// defaultController is where the balancer looks for the controller unless
// told otherwise.
const defaultController = "http://localhost:8080"

// config is what the flags ask of the load balancer process.
type config struct {
	httpAddr string
	balancer kv.BalancerConfig
	logLevel slog.Level
}

// parseConfig reads the flags in args. It writes any problem (with the usage
// for a bad flag) to stderr and returns flag.ErrHelp for -h.
func parseConfig(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("load-balancer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.registerFlags(fs)
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if err := cfg.complete(fs); err != nil {
		fmt.Fprintln(stderr, "load-balancer:", err)
		return config{}, err
	}
	return cfg, nil
}

func (c *config) registerFlags(fs *flag.FlagSet) {
	b := &c.balancer
	fs.StringVar(&c.httpAddr, "http", "127.0.0.1:8081", "listen address of the data API, the status page and the balancer API")
	fs.StringVar(&b.Controller, "controller", defaultController,
		`comma-separated URLs of the controller, whose cluster view names the nodes and leaders ("" for none)`)
	fs.Func("backends", "comma-separated static storage nodes, as host:port or http://host:port", func(s string) error {
		b.Backends = splitList(s)
		return nil
	})
	fs.StringVar(&b.Policy, "policy", kv.PolicyRoundRobin, "routing policy: round-robin, least-outstanding or leader-aware")
	fs.DurationVar(&b.CheckInterval, "check-interval", balancer.DefaultCheckInterval, "interval of the active /readyz checks (negative: off)")
	fs.IntVar(&b.Rise, "rise", balancer.DefaultRise, "consecutive passed checks that make an unhealthy backend healthy")
	fs.IntVar(&b.Fall, "fall", balancer.DefaultFall, "consecutive failed checks that make a healthy backend unhealthy")
	fs.DurationVar(&b.EjectBase, "eject-base", balancer.DefaultEjectBase, "first ejection of a backend after a connection failure or 5xx; doubles while it keeps failing")
	fs.DurationVar(&b.EjectMax, "eject-max", balancer.DefaultEjectMax, "longest ejection")
	fs.IntVar(&b.MaxRetries, "max-retries", balancer.DefaultMaxRetries, "retries of a failed request (writes only under an Idempotency-Key; negative: none)")
	fs.DurationVar(&b.RetryBudget, "retry-budget", balancer.DefaultRetryBudget, "how long a failing read keeps being retried (negative: -max-retries only)")
	fs.TextVar(&c.logLevel, "log-level", slog.LevelInfo, "log level: debug, info, warn or error")
}

// complete checks the flags as the balancer would.
func (c *config) complete(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return errors.New("load-balancer takes flags only, no arguments")
	}
	if c.balancer.Controller == "" && len(c.balancer.Backends) == 0 {
		return errors.New("-controller is empty and -backends names no node: give one or both")
	}
	return c.balancer.Validate()
}

// splitList splits a comma-separated flag value, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
