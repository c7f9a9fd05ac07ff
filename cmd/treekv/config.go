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
	system             local.Config // the nodes; allInOne() adds the controller, balancer and UI
	controllerPort     int
	controllerRaftPort int
	balancerPort       int
	uiPort             int
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
	fs.IntVar(&cfg.balancerPort, "balancer-port", 8081, "port of the load balancer (data API and status page), on -host (0: any free port)")
	fs.IntVar(&cfg.uiPort, "ui-port", 8082, "port of the client web UI, on -host (0: any free port)")
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
	}
	ports := []struct {
		flag string
		port int
	}{
		{"-controller-port", c.controllerPort}, {"-controller-raft-port", c.controllerRaftPort},
		{"-balancer-port", c.balancerPort}, {"-ui-port", c.uiPort},
	}
	for _, p := range ports {
		if p.port < 0 || p.port > 65535 {
			return fmt.Errorf("%s (%d) must be from 0 to 65535", p.flag, p.port)
		}
	}
	return c.system.Validate()
}

// allInOne returns the whole system the flags ask for: the nodes, their
// controller (ID c1, at the controller ports, with the default health
// thresholds), the balancer and the client UI, all on -host.
func (c config) allInOne() local.Config {
	s := c.system
	s.Controller = kv.ControllerConfig{
		ID:       controllerID,
		HTTPAddr: c.hostPort(c.controllerPort),
		RaftAddr: c.hostPort(c.controllerRaftPort),
	}
	s.BalancerAddr = c.hostPort(c.balancerPort)
	s.UIAddr = c.hostPort(c.uiPort)
	return s
}

// hostPort is port on -host.
func (c config) hostPort(port int) string {
	return net.JoinHostPort(c.system.Host, strconv.Itoa(port))
}
