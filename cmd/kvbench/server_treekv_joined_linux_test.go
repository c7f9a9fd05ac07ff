package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLeadersModeSendsRequestsToTheLeaders(t *testing.T) {
	requireBinary(t, "go")
	cfg, err := parseConfig([]string{"-start", "-treekv-via", "leaders", "-data-dir", t.TempDir()}, io.Discard)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	l, c, err := startTarget(ctx, cfg, targetTreekv, io.Discard)
	require.NoError(t, err)
	defer func() { require.NoError(t, errors.Join(c.stop(), l.Close())) }()
	require.NotEmpty(t, c.controller)
	cfg.treekv.controller, cfg.warmup, cfg.duration = c.controller, 0, time.Second
	cell := cellPlan{workload: describeWorkload(0.5, consistencyLinearizable), clients: 4}
	r, err := runOne(ctx, cfg, targetTreekv, c.endpoints, cpuMeter{pids: c.pids()}, keyNames(50), cell)
	require.NoError(t, err)
	require.Positive(t, r.Ops)
	forwarded := forwardedRequests(t, c.endpoints)
	assert.Less(t, 20*forwarded, r.Ops, "at most 5%% of the requests were forwarded (a leader may move): %d of %d", forwarded, r.Ops)
}

// forwardedRequests sums treekv_forwarded_requests_total over the nodes.
func forwardedRequests(t *testing.T, nodes []string) int64 {
	t.Helper()
	hc := &http.Client{Timeout: probeTimeout}
	defer hc.CloseIdleConnections()
	var sum int64
	for _, n := range nodes {
		resp, err := hc.Get(n + "/metrics")
		require.NoError(t, err)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "treekv_forwarded_requests_total "); ok {
				f, err := strconv.ParseFloat(v, 64)
				require.NoError(t, err)
				sum += int64(f)
			}
		}
		resp.Body.Close()
	}
	return sum
}
