package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/treekv/kv/cmd/internal/cli"
	"github.com/treekv/kv/cmd/internal/local"
)

// config is what the flags ask of the controller process.
type config struct {
	// system is the controller (system.Controller) and its embedded nodes;
	// system.Nodes is 0 for a controller alone.
	system   local.Config
	logLevel slog.Level
}

// parseConfig reads the flags in args. It writes any problem (with the usage
// for a bad flag) to stderr and returns flag.ErrHelp for -h.
func parseConfig(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("controller", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.registerFlags(fs)
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if err := cfg.complete(fs); err != nil {
		fmt.Fprintln(stderr, "controller:", err)
		return config{}, err
	}
	return cfg, nil
}

func (c *config) registerFlags(fs *flag.FlagSet) {
	ctl := &c.system.Controller
	fs.StringVar(&ctl.ID, "id", "c1", "this controller's ID in the controller group")
	fs.StringVar(&ctl.HTTPAddr, "http", "127.0.0.1:8080", "listen address of the API and the dashboard")
	fs.StringVar(&ctl.RaftAddr, "raft", "127.0.0.1:9100", "listen address of the controller group's Raft")
	fs.Func("join", "URL of a running controller whose group this one joins (implies -nodes 0)", func(s string) (err error) {
		ctl.Join, err = cli.ControllerURL(s)
		return err
	})
	c.system.RegisterFlags(fs, "storage nodes run in this process (0: none; nodes join with cmd/node -join)")
	fs.DurationVar(&ctl.SuspectAfter, "suspect-after", 3*time.Second, "a node silent this long is suspect")
	fs.DurationVar(&ctl.DownAfter, "down-after", 10*time.Second, "a node silent this long is down")
	fs.DurationVar(&ctl.ReplaceAfter, "replace-after", 30*time.Second, "the replicas of a node down this long are re-created on other nodes")
	fs.TextVar(&c.logLevel, "log-level", slog.LevelInfo, "log level: debug, info, warn or error")
}

// complete checks the flags and fills in what follows from the others.
func (c *config) complete(fs *flag.FlagSet) error {
	ctl := c.system.Controller
	switch {
	case fs.NArg() > 0:
		return errors.New("controller takes flags only, no arguments")
	case ctl.ID == "":
		return errors.New("-id cannot be empty")
	case ctl.Join != "" && isSet(fs, "nodes") && c.system.Nodes != 0:
		return fmt.Errorf("-join runs this controller without nodes of its own: drop -nodes %d", c.system.Nodes)
	case ctl.SuspectAfter <= 0:
		return fmt.Errorf("-suspect-after (%s) must be positive", ctl.SuspectAfter)
	case ctl.DownAfter <= ctl.SuspectAfter:
		return fmt.Errorf("-down-after (%s) must be longer than -suspect-after (%s)", ctl.DownAfter, ctl.SuspectAfter)
	case ctl.ReplaceAfter <= 0:
		return fmt.Errorf("-replace-after (%s) must be positive", ctl.ReplaceAfter)
	}
	if ctl.Join != "" {
		c.system.Nodes = 0
	}
	return c.system.Validate()
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
