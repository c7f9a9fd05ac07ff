//go:build unix

package jepsen_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/faults"
	"github.com/treekv/kv/node"
)

// Bounds of the scenarios on a cluster of node processes.
const (
	procNodes         = 3
	procPartitions    = 2 // numbered from 1
	procReadyTimeout  = 30 * time.Second
	procStatusTimeout = 500 * time.Millisecond
)

// procCluster is three node processes whose Raft links each pass through a
// fault proxy per direction: links[i][j] carries what node i dials to node
// j. Its methods are called from one goroutine at a time.
type procCluster struct {
	ids       []string
	endpoints []string // base URLs of the HTTP APIs
	procs     []*faults.Process
	links     [procNodes][procNodes]*faults.Proxy
}

// startProcCluster starts three nodes planning two partitions of three
// replicas each, with extra flags if any, and waits until all of them are
// ready.
func startProcCluster(t *testing.T, seed uint64, extra ...string) *procCluster {
	t.Helper()
	c := &procCluster{}
	var reserved []net.Listener
	var raftAddrs, peers []string
	for i := range procNodes {
		httpLn, raftLn := procListen(t), procListen(t)
		reserved = append(reserved, httpLn, raftLn)
		c.ids = append(c.ids, fmt.Sprintf("n%d", i+1))
		raftAddrs = append(raftAddrs, raftLn.Addr().String())
		peers = append(peers, fmt.Sprintf("%s=%s@%s", c.ids[i], httpLn.Addr(), raftLn.Addr()))
		c.endpoints = append(c.endpoints, "http://"+httpLn.Addr().String())
	}
	c.startProxies(t, raftAddrs, seed) // while the nodes' ports are held, so no proxy takes one
	for _, ln := range reserved {
		require.NoError(t, ln.Close())
	}
	c.startNodes(t, strings.Join(peers, ","), raftAddrs, extra)
	c.waitReady(t)
	return c
}

// startNodes starts every node's process.
func (c *procCluster) startNodes(t *testing.T, peers string, raftAddrs, extra []string) {
	t.Helper()
	bin := faults.BuildNode(t)
	for i := range procNodes {
		args := append([]string{"-id", c.ids[i], "-peers", peers, "-partitions", strconv.Itoa(procPartitions),
			"-replicas", "3", "-data-dir", t.TempDir(), "-raft-dial-rewrite", c.rewrite(i, raftAddrs)}, extra...)
		p, err := faults.StartProcess(t, faults.ProcessConfig{Name: c.ids[i], Binary: bin, Args: args})
		require.NoError(t, err)
		c.procs = append(c.procs, p)
	}
}

// startProxies starts the proxy of every directed link, closed when the
// test ends.
func (c *procCluster) startProxies(t *testing.T, raftAddrs []string, seed uint64) {
	t.Helper()
	for i := range procNodes {
		for j := range procNodes {
			if i == j {
				continue
			}
			p, err := faults.NewProxy(faults.ProxyConfig{Target: raftAddrs[j], Seed: seed + uint64(i*procNodes+j)})
			require.NoError(t, err)
			t.Cleanup(func() { _ = p.Close() })
			c.links[i][j] = p
		}
	}
}

// rewrite is node i's -raft-dial-rewrite: each peer's Raft address to the
// proxy of the link from i to it.
func (c *procCluster) rewrite(i int, raftAddrs []string) string {
	var entries []string
	for j := range procNodes {
		if j != i {
			entries = append(entries, raftAddrs[j]+"="+c.links[i][j].Addr())
		}
	}
	return strings.Join(entries, ",")
}

// procListen listens on a free loopback port, to reserve it for a node
// until its process starts.
func procListen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln
}

// waitReady polls /readyz of every node until all answer 200.
func (c *procCluster) waitReady(t *testing.T) {
	t.Helper()
	require.Eventually(t, func() bool {
		for _, base := range c.endpoints {
			if code, err := procGet(base+"/readyz", nil); err != nil || code != http.StatusOK {
				return false
			}
		}
		return true
	}, procReadyTimeout, 20*time.Millisecond, "the nodes never became ready")
}

// cut cuts every Raft link to and from node i; heal restores them.
func (c *procCluster) cut(i int)  { c.split([]int{i}) }
func (c *procCluster) heal(i int) { c.healSplit([]int{i}) }

// split cuts every Raft link between a node of side and a node not of it,
// both ways, leaving the links within each side up; healSplit restores
// them.
func (c *procCluster) split(side []int) {
	c.acrossSplit(side, func(p *faults.Proxy) { p.Cut(faults.ClientToTarget, true) })
}
func (c *procCluster) healSplit(side []int) { c.acrossSplit(side, (*faults.Proxy).Heal) }

func (c *procCluster) acrossSplit(side []int, fn func(*faults.Proxy)) {
	for _, i := range side {
		for j := range procNodes {
			if !slices.Contains(side, j) {
				fn(c.links[i][j])
				fn(c.links[j][i])
			}
		}
	}
}

// eachLink calls fn with the proxy of every directed Raft link, naming it
// as "n1->n2".
func (c *procCluster) eachLink(fn func(name string, p *faults.Proxy)) {
	for i := range procNodes {
		for j := range procNodes {
			if i != j {
				fn(c.ids[i]+"->"+c.ids[j], c.links[i][j])
			}
		}
	}
}

// names returns the IDs of the nodes at indexes.
func (c *procCluster) names(indexes []int) []string {
	var ids []string
	for _, i := range indexes {
		ids = append(ids, c.ids[i])
	}
	return ids
}

// waitLeaders polls until a node other than those in skip leads every
// partition.
func (c *procCluster) waitLeaders(skip ...int) error {
	for pid := range uint64(procPartitions) {
		if _, err := c.waitLeader(pid+1, skip...); err != nil {
			return err
		}
	}
	return nil
}

// kill sends SIGKILL to node i and waits for it to exit; restart starts it
// again on the same data directory.
func (c *procCluster) kill(i int) error    { return c.procs[i].Kill() }
func (c *procCluster) restart(i int) error { return c.procs[i].Restart() }

// killAll SIGKILLs every node, one right after the other; restartAll
// starts every node again on its data directory.
func (c *procCluster) killAll() error    { return c.eachNode(c.kill) }
func (c *procCluster) restartAll() error { return c.eachNode(c.restart) }

func (c *procCluster) eachNode(fn func(i int) error) error {
	for i := range procNodes {
		if err := fn(i); err != nil {
			return err
		}
	}
	return nil
}

// pause stops node i with SIGSTOP; resume continues it with SIGCONT.
func (c *procCluster) pause(i int) error  { return c.procs[i].Pause() }
func (c *procCluster) resume(i int) error { return c.procs[i].Resume() }

// leader returns the index of the node, other than those in skip, whose
// GET /v1/status reports partition pid's replica as Leader, preferring the
// highest term if several do.
func (c *procCluster) leader(pid uint64, skip ...int) (int, bool) {
	best, term := -1, uint64(0)
	for i, base := range c.endpoints {
		if slices.Contains(skip, i) {
			continue
		}
		var st node.NodeStatus
		if code, err := procGet(base+"/v1/status", &st); err != nil || code != http.StatusOK {
			continue
		}
		for _, r := range st.Replicas {
			if r.Partition == pid && r.State == "Leader" && (best < 0 || r.Term > term) {
				best, term = i, r.Term
			}
		}
	}
	return best, best >= 0
}

// waitLeader polls until a node other than those in skip leads pid.
func (c *procCluster) waitLeader(pid uint64, skip ...int) (int, error) {
	var found int
	err := poll(fmt.Sprintf("a leader of partition %d", pid), func() bool {
		var ok bool
		found, ok = c.leader(pid, skip...)
		return ok
	})
	return found, err
}

// waitLeaderless polls until no replica on the nodes of side knows a
// leader: cut off from a majority, they have noticed.
func (c *procCluster) waitLeaderless(side []int) error {
	return poll(fmt.Sprintf("%v to lose their leaders", c.names(side)), func() bool {
		for _, i := range side {
			var st node.NodeStatus
			if code, err := procGet(c.endpoints[i]+"/v1/status", &st); err != nil || code != http.StatusOK {
				return false
			}
			for _, r := range st.Replicas {
				if r.LeaderID != "" {
					return false
				}
			}
		}
		return true
	})
}

// procGet sends GET url on a connection of its own, bounded by
// procStatusTimeout (a paused node never answers), and decodes a 200
// answer into out if out is not nil.
func procGet(url string, out any) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), procStatusTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK && out != nil {
		err = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode, err
}

// sumCounter adds up the unlabelled counter series over every node's
// /metrics. A node counts from zero since it last started.
func (c *procCluster) sumCounter(series string) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	total := 0
	for i, base := range c.endpoints {
		n, err := scrapeCounter(ctx, hc, base, series, "")
		if err != nil {
			return total, fmt.Errorf("metrics of %s: %w", c.ids[i], err)
		}
		total += n
	}
	return total, nil
}
