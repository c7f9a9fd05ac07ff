package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"

	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/local"
)

// controllerID names the all-in-one's controller.
const controllerID = "c1"

// config is what the flags ask of the all-in-one process.
type config struct {
	system             local.Config // the nodes; its controller is set by controller()
	controllerPort     int
	controllerRaftPort int
	logLevel           slog.Level
}

// parseConfig reads the flags in args. It writes any problem (with the usage
// for a bad flag) to stderr and returns flag.ErrHelp for -h.
func parseConfig(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("treekv", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.system.RegisterFlags(fs, "number of storage nodes")
	fs.IntVar(&cfg.controllerPort, "controller-port", 8080, "port of the controller's API and dashboard, on -host (0: any free port)")
	fs.IntVar(&cfg.controllerRaftPort, "controller-raft-port", 9100, "port of the controller's Raft, on -host (0: any free port)")
	fs.TextVar(&cfg.logLevel, "log-level", slog.LevelInfo, "log level: debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if err := cfg.validate(fs.NArg()); err != nil {
		fmt.Fprintln(stderr, "treekv:", err)
		return config{}, err
	}
	return cfg, nil
}

func (c config) validate(extraArgs int) error {
	switch {
	case extraArgs > 0:
		return errors.New("treekv takes flags only, no arguments")
	case c.system.Nodes < 1:
		return fmt.Errorf("-nodes (%d) must be at least 1", c.system.Nodes)
	case c.controllerPort < 0 || c.controllerPort > 65535:
		return fmt.Errorf("-controller-port (%d) must be from 0 to 65535", c.controllerPort)
	case c.controllerRaftPort < 0 || c.controllerRaftPort > 65535:
		return fmt.Errorf("-controller-raft-port (%d) must be from 0 to 65535", c.controllerRaftPort)
	}
	return c.system.Validate()
}

// withController returns the system with its controller: ID c1, on -host
// at the controller ports, with the default health thresholds.
func (c config) withController() local.Config {
	s := c.system
	s.Controller = kv.ControllerConfig{
		ID:       controllerID,
		HTTPAddr: net.JoinHostPort(s.Host, strconv.Itoa(c.controllerPort)),
		RaftAddr: net.JoinHostPort(s.Host, strconv.Itoa(c.controllerRaftPort)),
	}
	return s
}
