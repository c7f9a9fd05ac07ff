package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
)

// config is what the flags ask of the all-in-one process.
type config struct {
	host         string
	httpBasePort int
	raftBasePort int
	nodes        int
	partitions   int
	replicas     int
	dataDir      string
	logLevel     slog.Level
}

// parseConfig reads the flags in args. It writes any problem (with the usage
// for a bad flag) to stderr and returns flag.ErrHelp for -h.
func parseConfig(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("treekv", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.host, "host", "127.0.0.1", "host every server listens on")
	fs.IntVar(&cfg.httpBasePort, "http-base-port", 9001, "HTTP port of node 1; node i listens on base+i-1 (0: any free port)")
	fs.IntVar(&cfg.raftBasePort, "raft-base-port", 9101, "Raft port of node 1; node i listens on base+i-1 (0: any free port)")
	fs.IntVar(&cfg.nodes, "nodes", 3, "number of storage nodes")
	fs.IntVar(&cfg.partitions, "partitions", 8, "number of hash partitions")
	fs.IntVar(&cfg.replicas, "replicas", 3, "replicas per partition")
	fs.StringVar(&cfg.dataDir, "data-dir", "treekv-data", `directory of the nodes' data, resumed on restart; "" keeps everything in memory (lost on exit)`)
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
	case c.nodes < 1:
		return fmt.Errorf("-nodes (%d) must be at least 1", c.nodes)
	case c.replicas < 1 || c.replicas > c.nodes:
		return fmt.Errorf("-replicas (%d) must be from 1 to -nodes (%d)", c.replicas, c.nodes)
	case c.partitions < 1:
		return fmt.Errorf("-partitions (%d) must be at least 1", c.partitions)
	}
	if err := checkPorts("-http-base-port", c.httpBasePort, c.nodes); err != nil {
		return err
	}
	return checkPorts("-raft-base-port", c.raftBasePort, c.nodes)
}

func checkPorts(flagName string, base, nodes int) error {
	if base < 0 || (base > 0 && base+nodes-1 > 65535) {
		return fmt.Errorf("%s (%d) leaves no room for %d ports below 65536", flagName, base, nodes)
	}
	return nil
}

// addrs returns the listen address of each node, counting up from base.
func (c config) addrs(base int) []string {
	out := make([]string, c.nodes)
	for i := range out {
		port := 0
		if base > 0 {
			port = base + i
		}
		out[i] = net.JoinHostPort(c.host, strconv.Itoa(port))
	}
	return out
}
