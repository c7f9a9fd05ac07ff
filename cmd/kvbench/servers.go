package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Bounds of starting the servers.
const (
	readyTimeout = 60 * time.Second
	readyPoll    = 50 * time.Millisecond
	probeTimeout = time.Second
)

// serverConfig shapes the servers that -start runs.
type serverConfig struct {
	dataDir     string // "" for a temporary directory, removed at the end
	nodeBin     string // "" to build cmd/node
	balancerBin string // "" to build cmd/load-balancer
	controlBin  string // "" to build cmd/controller
	via         string // viaLeaders, viaNodes or viaBalance
	partitions  int
	etcdBin     string
	redisBin    string
}

// launcher starts the targets' servers on loopback, each in a directory of
// its own under one base directory.
type launcher struct {
	cfg        serverConfig
	base       string
	removeBase bool
	progress   io.Writer
	built      map[string]string // package -> binary
}

// newLauncher returns a launcher whose base directory is cfg.dataDir, or a
// new temporary one.
func newLauncher(cfg serverConfig, progress io.Writer) (*launcher, error) {
	l := &launcher{cfg: cfg, base: cfg.dataDir, progress: progress, built: map[string]string{}}
	if l.base == "" {
		dir, err := os.MkdirTemp("", "kvbench-")
		if err != nil {
			return nil, err
		}
		l.base, l.removeBase = dir, true
	}
	return l, os.MkdirAll(l.base, 0o755)
}

// Close removes the base directory if the launcher made it.
func (l *launcher) Close() error {
	if l.removeBase {
		return os.RemoveAll(l.base)
	}
	return nil
}

// start starts the servers of target and waits until they serve.
func (l *launcher) start(ctx context.Context, target string) (*cluster, error) {
	dir, err := os.MkdirTemp(l.base, target+"-")
	if err != nil {
		return nil, err
	}
	c := &cluster{target: target}
	switch target {
	case targetTreekv:
		err = l.startTreekv(ctx, c, dir)
	case targetEtcd:
		err = l.startEtcd(ctx, c, dir)
	case targetRedis:
		err = l.startRedis(ctx, c, dir)
	default:
		err = fmt.Errorf("unknown target %q", target)
	}
	if err != nil {
		return nil, errors.Join(err, c.stop())
	}
	return c, nil
}

// binary returns the path of pkg's binary: given, or built once per run
// with go build in the treekv module that the current directory's module
// points at, so that the root module's go.sum resolves its dependencies.
func (l *launcher) binary(given, pkg string) (string, error) {
	if given != "" {
		return given, nil
	}
	if bin, ok := l.built[pkg]; ok {
		return bin, nil
	}
	fmt.Fprintf(l.progress, "kvbench: building %s\n", pkg)
	bin, err := goBuild(pkg, filepath.Join(l.base, "bin"))
	if err != nil {
		return "", fmt.Errorf("%w (run kvbench from cmd/kvbench, or give the binary's path)", err)
	}
	l.built[pkg] = bin
	return bin, nil
}

// goBuild builds pkg, a package of the treekv module, into dir.
func goBuild(pkg, dir string) (string, error) {
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", treekvModule).Output()
	if err != nil {
		return "", fmt.Errorf("find the %s module: %w", treekvModule, err)
	}
	bin := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	cmd.Dir = strings.TrimSpace(string(root))
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
	}
	return bin, nil
}

// cluster is the running servers of one target.
type cluster struct {
	target     string
	endpoints  []string
	controller string // base URL of treekv's controller, "" without one
	procs      []*process
}

// launch starts one process of the cluster, its log in dir/name.log.
func (c *cluster) launch(dir, name, bin string, args ...string) error {
	p, err := startProcess(name, bin, args, filepath.Join(dir, name+".log"))
	if err != nil {
		return err
	}
	c.procs = append(c.procs, p)
	return nil
}

// pids returns the process IDs of the cluster's servers.
func (c *cluster) pids() []int {
	pids := make([]int, len(c.procs))
	for i, p := range c.procs {
		pids[i] = p.pid()
	}
	return pids
}

// stop stops every process of the cluster, in reverse order of start.
func (c *cluster) stop() error {
	var errs []error
	for i := len(c.procs) - 1; i >= 0; i-- {
		errs = append(errs, c.procs[i].stop())
	}
	return errors.Join(errs...)
}

// waitReady polls ready until it succeeds, a process of the cluster exits,
// readyTimeout passes or ctx ends.
func (c *cluster) waitReady(ctx context.Context, ready func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	ticker := time.NewTicker(readyPoll)
	defer ticker.Stop()
	for {
		err := ready(ctx)
		if err == nil {
			return nil
		}
		for _, p := range c.procs {
			if p.exited() {
				return errors.New(p.describeExit())
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w (last: %v)", c.target, ctx.Err(), err)
		case <-ticker.C:
		}
	}
}

// freeAddrs returns n loopback addresses whose ports were free a moment
// ago: it listens on port 0 n times at once, then closes the listeners.
func freeAddrs(n int) ([]string, error) {
	addrs := make([]string, n)
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for i := range addrs {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, ln)
		addrs[i] = ln.Addr().String()
	}
	return addrs, nil
}
