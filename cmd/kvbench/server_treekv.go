package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
)

// The treekv module and the packages of its servers.
const (
	treekvModule    = "github.com/treekv/kv"
	nodePackage     = "github.com/treekv/kv/cmd/node"
	balancerPackage = "github.com/treekv/kv/cmd/load-balancer"
)

// treekvNodes is the size of the cluster -start runs.
const treekvNodes = 3

// startTreekv starts three cmd/node processes, each with its own data
// directory (Raft logs on disk, fsync on): with -treekv-via leaders joined
// to a cmd/controller, else a static cluster.
func (l *launcher) startTreekv(ctx context.Context, c *cluster, dir string) error {
	if l.cfg.via == viaLeaders {
		return l.startTreekvJoined(ctx, c, dir)
	}
	return l.startTreekvStatic(ctx, c, dir)
}

// startTreekvStatic starts a static cluster of three cmd/node processes
// (-peers), and with -treekv-via balancer a cmd/load-balancer in front of
// them.
func (l *launcher) startTreekvStatic(ctx context.Context, c *cluster, dir string) error {
	bin, err := l.binary(l.cfg.nodeBin, nodePackage)
	if err != nil {
		return err
	}
	addrs, err := freeAddrs(2 * treekvNodes)
	if err != nil {
		return err
	}
	peers, nodes := treekvPeers(addrs)
	for i := range treekvNodes {
		id := fmt.Sprintf("n%d", i+1)
		args := []string{"-id", id, "-peers", peers, "-data-dir", filepath.Join(dir, id),
			"-partitions", strconv.Itoa(l.cfg.partitions), "-log-level", "warn"}
		if err := c.launch(dir, id, bin, args...); err != nil {
			return err
		}
	}
	if err := c.waitReady(ctx, func(ctx context.Context) error { return allReady(ctx, nodes) }); err != nil {
		return err
	}
	c.endpoints = nodes
	if l.cfg.via == viaBalance {
		return l.startBalancer(ctx, c, dir, nodes)
	}
	return nil
}

// treekvPeers returns the -peers list of nodes whose HTTP and Raft
// addresses alternate in addrs, and the nodes' base URLs.
func treekvPeers(addrs []string) (peers string, urls []string) {
	var entries []string
	for i := range treekvNodes {
		httpAddr, raftAddr := addrs[2*i], addrs[2*i+1]
		entries = append(entries, fmt.Sprintf("n%d=%s@%s", i+1, httpAddr, raftAddr))
		urls = append(urls, "http://"+httpAddr)
	}
	return strings.Join(entries, ","), urls
}

// startBalancer starts a load balancer in front of nodes, with a static
// backend list, and makes it the cluster's one endpoint.
func (l *launcher) startBalancer(ctx context.Context, c *cluster, dir string, nodes []string) error {
	bin, err := l.binary(l.cfg.balancerBin, balancerPackage)
	if err != nil {
		return err
	}
	addrs, err := freeAddrs(1)
	if err != nil {
		return err
	}
	args := []string{"-http", addrs[0], "-controller", "", "-backends", strings.Join(nodes, ","), "-log-level", "warn"}
	if err := c.launch(dir, "balancer", bin, args...); err != nil {
		return err
	}
	c.endpoints = []string{"http://" + addrs[0]}
	return c.waitReady(ctx, func(ctx context.Context) error { return allReady(ctx, c.endpoints) })
}

// allReady checks that GET /readyz answers 200 at every base URL.
func allReady(ctx context.Context, urls []string) error {
	hc := &http.Client{Timeout: probeTimeout}
	defer hc.CloseIdleConnections()
	for _, u := range urls {
		if err := probeStatus(ctx, hc, u+"/readyz"); err != nil {
			return err
		}
	}
	return nil
}

// probeStatus checks that GET url answers 200.
func probeStatus(ctx context.Context, hc *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}
