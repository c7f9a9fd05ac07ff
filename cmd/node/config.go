package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/treekv/kv/cmd/internal/cli"
	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/part"
)

// config is what the flags ask of one storage node.
type config struct {
	id          string
	httpAddr    string
	raftAddr    string
	dataDir     string
	raftLog     string // node.RaftLogShared or node.RaftLogBoltDB
	peers       []part.NodeInfo
	join        string // base URL of the controller, or empty
	partitioner string
	partitions  int // 0: as many as the partitioner's default or split keys make
	replicas    int
	splitKeys   []string
	pprof       bool
	logLevel    slog.Level
	dialRewrite map[string]string // Raft address -> address dialed instead
	// raft and heartbeatInterval have no flags: zero means the defaults;
	// tests shorten them.
	raft              node.RaftConfig
	heartbeatInterval time.Duration
}

// parseConfig reads the flags in args. It writes any problem (with the usage
// for a bad flag) to stderr and returns flag.ErrHelp for -h.
func parseConfig(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("node", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.id, "id", "", "this node's ID, unique in the cluster (required)")
	fs.StringVar(&cfg.httpAddr, "http", "", "HTTP listen address, which the node advertises (default: this node's address in -peers; required with -join)")
	fs.StringVar(&cfg.raftAddr, "raft", "", "Raft listen address, which the node advertises (default: this node's address in -peers; required with -join)")
	fs.StringVar(&cfg.dataDir, "data-dir", "", `directory of the node's map, Raft logs and snapshots; "" keeps them in memory (lost on exit)`)
	fs.StringVar(&cfg.raftLog, "raft-log", node.RaftLogShared, "where replicas keep their Raft logs: shared (one log for all, whose writes share fsyncs) or boltdb (a file each)")
	fs.Func("peers", "every node of the cluster, this one included, in the same order on every node: id=httpAddr@raftAddr,...", func(s string) (err error) {
		cfg.peers, err = parsePeers(s)
		return err
	})
	fs.Func("join", "URL of the cluster's controller, such as http://127.0.0.1:8080: the node joins it and gets its partition map and replicas from it (no -peers)", func(s string) (err error) {
		cfg.join, err = cli.ControllerURL(s)
		return err
	})
	fs.StringVar(&cfg.partitioner, "partitioner", part.KindHash, "hash or range")
	fs.IntVar(&cfg.partitions, "partitions", part.DefaultPartitions, "number of hash partitions (range: len(split-keys)+1)")
	fs.IntVar(&cfg.replicas, "replicas", part.DefaultReplicas, "replicas per partition")
	fs.Func("split-keys", "comma-separated keys that split a range-partitioned keyspace, increasing", func(s string) error {
		cfg.splitKeys = strings.Split(s, ",")
		return nil
	})
	fs.Func("raft-dial-rewrite", "Raft addresses to dial elsewhere, as through a fault proxy: addr=dialAddr,...", func(s string) (err error) {
		cfg.dialRewrite, err = parseDialRewrite(s)
		return err
	})
	fs.BoolVar(&cfg.pprof, "pprof", false, "serve /debug/pprof/")
	fs.TextVar(&cfg.logLevel, "log-level", slog.LevelInfo, "log level: debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if err := cfg.complete(fs); err != nil {
		fmt.Fprintln(stderr, "node:", err)
		return config{}, err
	}
	return cfg, nil
}

// complete checks the flags and fills in what follows from the others.
func (c *config) complete(fs *flag.FlagSet) error {
	switch {
	case fs.NArg() > 0:
		return errors.New("node takes flags only, no arguments")
	case c.id == "":
		return errors.New("-id is required")
	case c.raftLog != node.RaftLogShared && c.raftLog != node.RaftLogBoltDB:
		return fmt.Errorf("-raft-log is %q: use %s or %s", c.raftLog, node.RaftLogShared, node.RaftLogBoltDB)
	}
	if c.join != "" {
		return c.completeJoin(fs)
	}
	if c.partitioner == part.KindRange && !isSet(fs, "partitions") {
		c.partitions = 0 // the split keys decide
	}
	if len(c.peers) == 0 {
		if c.httpAddr == "" || c.raftAddr == "" {
			return errors.New("-http and -raft are required without -peers")
		}
		return nil
	}
	self, ok := findPeer(c.peers, c.id)
	if !ok {
		return fmt.Errorf("-peers does not list this node (%q)", c.id)
	}
	c.httpAddr = cmp.Or(c.httpAddr, self.HTTPAddr)
	c.raftAddr = cmp.Or(c.raftAddr, self.RaftAddr)
	return nil
}

// completeJoin checks the flags of a node that joins a controller: no
// placement of its own, and addresses the controller and the other nodes
// can dial, since the node advertises its listen addresses.
func (c *config) completeJoin(fs *flag.FlagSet) error {
	for _, name := range []string{"peers", "partitioner", "partitions", "replicas", "split-keys"} {
		if isSet(fs, name) {
			return fmt.Errorf("-%s cannot be used with -join: the controller places the partitions", name)
		}
	}
	if c.httpAddr == "" || c.raftAddr == "" {
		return errors.New("-http and -raft are required with -join")
	}
	if err := checkDialable("HTTP", c.httpAddr); err != nil {
		return fmt.Errorf("-http: %w", err)
	}
	if err := checkDialable("Raft", c.raftAddr); err != nil {
		return fmt.Errorf("-raft: %w", err)
	}
	return nil
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// planConfig is the placement the flags ask for.
func (c config) planConfig() part.PlanConfig {
	return part.PlanConfig{
		Partitioner: c.partitioner,
		Partitions:  c.partitions,
		SplitKeys:   c.splitKeys,
		Replicas:    c.replicas,
		Nodes:       c.peers,
	}
}
