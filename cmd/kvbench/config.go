package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/treekv/kv/node"
)

// Names of the targets.
const (
	targetTreekv = "treekv"
	targetEtcd   = "etcd"
	targetRedis  = "redis"
)

// Read consistencies.
const (
	consistencyLinearizable = "linearizable"
	consistencyStale        = "stale"
)

// How the treekv target sends its requests.
const (
	clientKV   = "kv"       // the root package's kv.Client
	clientHTTP = "http"     // a plain net/http client
	viaNodes   = "nodes"    // the nodes in turn; a node forwards to the leader
	viaBalance = "balancer" // a cmd/load-balancer in front of the nodes
	viaLeaders = "leaders"  // each partition's leader, from the controller's map
)

// config is what the flags ask of one kvbench run.
type config struct {
	target      string
	endpoints   []string
	clients     int
	duration    time.Duration
	warmup      time.Duration
	keys        int
	valueSize   int
	reads       float64
	consistency string
	preload     bool
	start       bool
	pids        []int
	cpuProfile  string

	compare        bool
	repeat         int
	targets        []string
	compareClients []int
	workloads      []string

	servers serverConfig
	treekv  treekvConfig
	etcd    etcdConfig
}

// treekvConfig is how the treekv target is reached.
type treekvConfig struct {
	client     string // clientKV or clientHTTP
	controller string // base URL of the controller whose map routes kv.Client, or ""
	maxBatch   int    // kv.ClientConfig.MaxBatch: 0 its default, 1 no batching
}

// etcdConfig is how the etcd target is reached.
type etcdConfig struct {
	conns int // gRPC connections; 0: one per 16 clients
}

// parseConfig reads the flags in args. It writes any problem (with the usage
// for a bad flag) to stderr and returns flag.ErrHelp for -h.
func parseConfig(args []string, stderr io.Writer) (config, error) {
	cfg, fs := newFlagSet(stderr)
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	cfg.complete(fs)
	if err := cfg.check(fs); err != nil {
		fmt.Fprintln(stderr, "kvbench:", err)
		return config{}, err
	}
	return *cfg, nil
}

// newFlagSet declares every flag of kvbench, bound to a config.
func newFlagSet(stderr io.Writer) (*config, *flag.FlagSet) {
	cfg := &config{}
	fs := flag.NewFlagSet("kvbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.target, "target", targetTreekv, "store to load: treekv, etcd or redis")
	fs.Func("endpoints", "comma-separated addresses of the target (treekv: node or balancer URLs; etcd: client URLs; redis: one host:port); not with -start", func(s string) error {
		cfg.endpoints = splitList(s)
		return nil
	})
	fs.IntVar(&cfg.clients, "clients", 16, "concurrent clients, each with one request in flight")
	fs.DurationVar(&cfg.duration, "duration", 10*time.Second, "measured time of a run (of each cell with -compare)")
	fs.DurationVar(&cfg.warmup, "warmup", 2*time.Second, "load before the measured time, not counted")
	fs.IntVar(&cfg.keys, "keys", 10000, "size of the keyspace, keys chosen uniformly")
	fs.IntVar(&cfg.valueSize, "value-size", 256, "bytes per value")
	fs.Float64Var(&cfg.reads, "reads", 0, "fraction of operations that are gets, 0..1; the rest are puts")
	fs.StringVar(&cfg.consistency, "consistency", consistencyLinearizable, "reads: linearizable or stale (etcd: serializable; redis: no difference)")
	fs.BoolVar(&cfg.preload, "preload", true, "write every key once before a run that reads")
	fs.BoolVar(&cfg.start, "start", false, "start the target on loopback (durable defaults), and stop it at the end")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of the generator (kvbench itself) to this file")
	fs.Func("pids", "comma-separated process IDs of the target's servers, whose CPU time is reported (without -start)", func(s string) (err error) {
		cfg.pids, err = parseInts(s)
		return err
	})
	declareCompareFlags(fs, cfg)
	declareServerFlags(fs, cfg)
	return cfg, fs
}

// declareCompareFlags declares the flags of -compare.
func declareCompareFlags(fs *flag.FlagSet, cfg *config) {
	fs.BoolVar(&cfg.compare, "compare", false, "start each target in turn, run the matrix of workloads and clients, print a table of medians (implies -start)")
	fs.IntVar(&cfg.repeat, "repeat", 3, "with -compare: runs of every cell, of which the median is reported")
	cfg.targets = []string{targetEtcd, targetTreekv, targetRedis}
	fs.Func("targets", "with -compare: targets to run, in order (default etcd,treekv,redis)", func(s string) error {
		cfg.targets = splitList(s)
		return nil
	})
	cfg.compareClients = []int{1, 16, 64}
	fs.Func("compare-clients", "with -compare: client counts of the matrix (default 1,16,64)", func(s string) (err error) {
		cfg.compareClients, err = parseInts(s)
		return err
	})
	cfg.workloads = workloadNames()
	fs.Func("workloads", "with -compare: workloads of the matrix (default "+strings.Join(workloadNames(), ",")+")", func(s string) error {
		cfg.workloads = splitList(s)
		return nil
	})
}

// declareServerFlags declares the flags that shape the servers -start runs
// and how the treekv and etcd targets are reached.
func declareServerFlags(fs *flag.FlagSet, cfg *config) {
	fs.StringVar(&cfg.servers.dataDir, "data-dir", "", "with -start: directory of the servers' data and logs, kept afterwards (default: a temporary one, removed)")
	fs.StringVar(&cfg.servers.nodeBin, "node-bin", "", "with -start: treekv's cmd/node binary (default: go build it; run from cmd/kvbench)")
	fs.StringVar(&cfg.servers.balancerBin, "balancer-bin", "", "with -start -treekv-via balancer: cmd/load-balancer binary (default: go build it)")
	fs.StringVar(&cfg.servers.controlBin, "controller-bin", "", "with -start -treekv-via leaders: cmd/controller binary (default: go build it)")
	fs.StringVar(&cfg.servers.via, "treekv-via", viaLeaders, "with -start: send treekv requests straight to each partition's leader, following a controller's map (leaders), to the nodes in turn (nodes) or through a load balancer (balancer)")
	fs.IntVar(&cfg.servers.partitions, "treekv-partitions", 8, "with -start: partitions of the treekv cluster")
	fs.StringVar(&cfg.servers.etcdBin, "etcd-bin", "etcd", "with -start: the etcd server binary")
	fs.StringVar(&cfg.servers.redisBin, "redis-bin", "redis-server", "with -start: the Redis server binary")
	fs.StringVar(&cfg.treekv.client, "treekv-client", "", "treekv requests through kv.Client (kv) or a plain net/http client (http) (default kv with -start -treekv-via leaders, else http)")
	fs.IntVar(&cfg.treekv.maxBatch, "treekv-max-batch", 0, "kv.Client's MaxBatch: calls one batch may carry when routing to the leaders (0: the client's default, 128; 1: every call alone)")
	fs.IntVar(&cfg.etcd.conns, "etcd-conns", 0, "etcd gRPC connections shared by the clients (0: one per 16 clients)")
}

// complete fills in what follows from other flags.
func (c *config) complete(fs *flag.FlagSet) {
	if c.compare {
		c.start = true
	}
	if !isSet(fs, "target") && c.compare && len(c.targets) > 0 {
		c.target = c.targets[0]
	}
	if c.treekv.client == "" {
		c.treekv.client = clientHTTP
		if c.routesToLeaders() {
			c.treekv.client = clientKV
		}
	}
}

// routesToLeaders reports whether -start runs a controller whose map routes
// the treekv requests to the partitions' leaders.
func (c *config) routesToLeaders() bool {
	return c.start && c.servers.via == viaLeaders
}

// check says what is wrong with the flags, if anything.
func (c *config) check(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return errors.New("kvbench takes flags only, no arguments")
	}
	return errors.Join(c.checkLoad(), c.checkTargets(), c.checkCompare(), c.checkServers(fs))
}

// checkLoad checks the shape of the load.
func (c *config) checkLoad() error {
	switch {
	case c.clients < 1:
		return fmt.Errorf("-clients (%d) must be at least 1", c.clients)
	case c.duration <= 0:
		return fmt.Errorf("-duration (%s) must be positive", c.duration)
	case c.warmup < 0:
		return fmt.Errorf("-warmup (%s) cannot be negative", c.warmup)
	case c.keys < 1:
		return fmt.Errorf("-keys (%d) must be at least 1", c.keys)
	case c.valueSize < 1:
		return fmt.Errorf("-value-size (%d) must be at least 1", c.valueSize)
	case c.reads < 0 || c.reads > 1:
		return fmt.Errorf("-reads (%g) must be between 0 and 1", c.reads)
	case c.consistency != consistencyLinearizable && c.consistency != consistencyStale:
		return fmt.Errorf("-consistency %q: use linearizable or stale", c.consistency)
	}
	return nil
}

// checkTargets checks the target and where it is.
func (c *config) checkTargets() error {
	if err := checkTargetName(c.target, "-target"); err != nil {
		return err
	}
	switch {
	case c.start && len(c.endpoints) > 0:
		return errors.New("-endpoints and -start exclude each other: -start finds its own addresses")
	case c.start && len(c.pids) > 0:
		return errors.New("-pids and -start exclude each other: -start measures the processes it starts")
	case !c.start && len(c.endpoints) == 0:
		return fmt.Errorf("-endpoints is required without -start: where does %s listen?", c.target)
	case c.target == targetRedis && len(c.endpoints) > 1:
		return fmt.Errorf("-endpoints: redis takes one address, not %d", len(c.endpoints))
	case c.treekv.client != clientKV && c.treekv.client != clientHTTP:
		return fmt.Errorf("-treekv-client %q: use kv or http", c.treekv.client)
	case c.treekv.maxBatch < 0 || c.treekv.maxBatch > node.MaxBatchOps:
		return fmt.Errorf("-treekv-max-batch (%d) must be between 0 (the client's default) and %d", c.treekv.maxBatch, node.MaxBatchOps)
	case c.etcd.conns < 0:
		return fmt.Errorf("-etcd-conns (%d) cannot be negative", c.etcd.conns)
	}
	return nil
}

// checkCompare checks the matrix of -compare.
func (c *config) checkCompare() error {
	if !c.compare {
		return nil
	}
	if c.repeat < 1 {
		return fmt.Errorf("-repeat (%d) must be at least 1", c.repeat)
	}
	if len(c.targets) == 0 || len(c.compareClients) == 0 || len(c.workloads) == 0 {
		return errors.New("-targets, -compare-clients and -workloads cannot be empty")
	}
	for _, t := range c.targets {
		if err := checkTargetName(t, "-targets"); err != nil {
			return err
		}
	}
	for _, n := range c.compareClients {
		if n < 1 {
			return fmt.Errorf("-compare-clients: %d clients: each count must be at least 1", n)
		}
	}
	for _, w := range c.workloads {
		if _, ok := lookupWorkload(w); !ok {
			return fmt.Errorf("-workloads: unknown workload %q: use %s", w, strings.Join(workloadNames(), ", "))
		}
	}
	return nil
}

// checkServers checks the flags of -start.
func (c *config) checkServers(fs *flag.FlagSet) error {
	switch {
	case !slices.Contains([]string{viaLeaders, viaNodes, viaBalance}, c.servers.via):
		return fmt.Errorf("-treekv-via %q: use leaders, nodes or balancer", c.servers.via)
	case c.servers.via == viaLeaders && isSet(fs, "treekv-via") && !c.start:
		return errors.New("-treekv-via leaders needs -start: the requests follow the map of the controller it starts")
	case c.routesToLeaders() && c.treekv.client == clientHTTP:
		return errors.New("-treekv-client http cannot route to the leaders: use -treekv-client kv with -treekv-via leaders, or -treekv-via nodes or balancer")
	case c.servers.partitions < 1:
		return fmt.Errorf("-treekv-partitions (%d) must be at least 1", c.servers.partitions)
	}
	return nil
}

// checkTargetName says whether name is a target.
func checkTargetName(name, flagName string) error {
	if !slices.Contains([]string{targetTreekv, targetEtcd, targetRedis}, name) {
		return fmt.Errorf("%s %q: use treekv, etcd or redis", flagName, name)
	}
	return nil
}

// isSet reports whether the flag name was given.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for e := range strings.SplitSeq(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// parseInts parses a comma-separated list of integers.
func parseInts(s string) ([]int, error) {
	var out []int
	for _, e := range splitList(s) {
		n, err := strconv.Atoi(e)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", e)
		}
		out = append(out, n)
	}
	return out, nil
}
