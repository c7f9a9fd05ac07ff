package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requireBinary skips t when bin is not installed, or fails it under
// CI=true, where every server must be there.
func requireBinary(t *testing.T, bin string) {
	t.Helper()
	if _, err := exec.LookPath(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed: %v", bin, err)
		}
		t.Skipf("%s is not installed", bin)
	}
}

func TestStartedTargets(t *testing.T) {
	tests := []struct {
		target    string
		binary    string // needed on the PATH
		extra     []string
		wantProcs int // server processes started, all measured
	}{
		{targetRedis, "redis-server", nil, 1},
		{targetEtcd, "etcd", []string{"-consistency", "stale"}, 3},
		{targetTreekv, "go", []string{"-treekv-via", "leaders"}, 4}, // the controller and 3 nodes
		{targetTreekv, "go", []string{"-treekv-via", "nodes"}, 3},
		{targetTreekv, "go", []string{"-treekv-via", "balancer"}, 4},
	}
	for _, tt := range tests {
		t.Run(strings.Join(append([]string{tt.target}, tt.extra...), " "), func(t *testing.T) {
			requireBinary(t, tt.binary)
			args := append([]string{"-start", "-target", tt.target, "-duration", "1s", "-warmup", "200ms",
				"-clients", "4", "-keys", "50", "-reads", "0.9", "-data-dir", t.TempDir()}, tt.extra...)
			line, pids := runStarted(t, args)
			assert.Len(t, pids, tt.wantProcs, "every server process is measured")
			assert.Equal(t, tt.target, line.Target)
			assert.Positive(t, line.Ops)
			assert.Less(t, line.Errors, line.Ops, "most operations succeed (a busy machine may see an election): %s", line.FirstError)
			assert.Zero(t, line.Misses, "preload wrote every key")
			assert.Positive(t, line.ServerCPU, "the servers' CPU time is measured")
			assert.Empty(t, line.CPUError)
		})
	}
}

// runStarted runs kvbench with args and returns its one result line and
// the process IDs of the servers it started, after checking that none of
// them outlives it.
func runStarted(t *testing.T, args []string) (result, []int) {
	t.Helper()
	cfg, err := parseConfig(args, &bytes.Buffer{})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(ctx, cfg, &stdout, &stderr), stderr.String())
	pids := startedPids(t, stderr.String())
	assert.Empty(t, running(pids), "every server has stopped")
	var r result
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &r), stdout.String())
	return r, pids
}

func TestInterruptStopsStartedServers(t *testing.T) {
	requireBinary(t, "redis-server")
	cfg, err := parseConfig([]string{"-start", "-target", "redis", "-duration", "1h", "-data-dir", t.TempDir()}, &bytes.Buffer{})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	progress := &watchWriter{match: "redis put", onMatch: cancel} // as SIGINT does, once the load runs
	err = run(ctx, cfg, &bytes.Buffer{}, progress)
	require.ErrorIs(t, err, context.Canceled)
	pids := startedPids(t, progress.String())
	assert.Empty(t, running(pids), "the canceled run stopped redis")
}

// watchWriter keeps what is written and calls onMatch when a write holds
// match.
type watchWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	match   string
	onMatch func()
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if strings.Contains(string(p), w.match) {
		w.onMatch()
	}
	return w.buf.Write(p)
}

func (w *watchWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// startedPids reads the process IDs that kvbench's progress says it
// started.
func startedPids(t *testing.T, progress string) []int {
	t.Helper()
	m := regexp.MustCompile(`serving at \S+ \(pids ([0-9,]+)\)`).FindStringSubmatch(progress)
	require.NotNil(t, m, "no pids in the progress:\n%s", progress)
	pids, err := parseInts(m[1])
	require.NoError(t, err)
	return pids
}

// running returns those of pids that still have a process.
func running(pids []int) []int {
	var alive []int
	for _, pid := range pids {
		if _, err := os.Stat(filepath.Join("/proc", strconv.Itoa(pid))); err == nil {
			alive = append(alive, pid)
		}
	}
	return alive
}
