package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
)

// etcdMembers is the size of the etcd cluster -start runs.
const etcdMembers = 3

// startEtcd starts a 3-member etcd cluster, each member with its own data
// directory and etcd's defaults (every write fsynced to its WAL).
func (l *launcher) startEtcd(ctx context.Context, c *cluster, dir string) error {
	addrs, err := freeAddrs(2 * etcdMembers)
	if err != nil {
		return err
	}
	clientURLs, peerURLs := splitURLs(addrs)
	initial := make([]string, etcdMembers)
	for i := range etcdMembers {
		initial[i] = fmt.Sprintf("m%d=%s", i+1, peerURLs[i])
	}
	for i := range etcdMembers {
		name := fmt.Sprintf("m%d", i+1)
		args := etcdArgs(name, filepath.Join(dir, name), clientURLs[i], peerURLs[i], strings.Join(initial, ","))
		if err := c.launch(dir, "etcd-"+name, l.cfg.etcdBin, args...); err != nil {
			return err
		}
	}
	c.endpoints = clientURLs
	return c.waitReady(ctx, func(ctx context.Context) error { return etcdHealthy(ctx, clientURLs) })
}

// splitURLs turns alternate addresses into client and peer URLs.
func splitURLs(addrs []string) (clients, peers []string) {
	for i := 0; i+1 < len(addrs); i += 2 {
		clients = append(clients, "http://"+addrs[i])
		peers = append(peers, "http://"+addrs[i+1])
	}
	return clients, peers
}

// etcdArgs are the flags of one member of a new cluster.
func etcdArgs(name, dataDir, clientURL, peerURL, initialCluster string) []string {
	return []string{
		"--name", name, "--data-dir", dataDir,
		"--listen-client-urls", clientURL, "--advertise-client-urls", clientURL,
		"--listen-peer-urls", peerURL, "--initial-advertise-peer-urls", peerURL,
		"--initial-cluster", initialCluster, "--initial-cluster-state", "new",
		"--initial-cluster-token", "kvbench",
		"--logger", "zap", "--log-outputs", "stderr", "--log-level", "warn",
	}
}

// etcdHealthy checks that every member's /health says it is healthy, which
// etcd answers once the cluster has a leader.
func etcdHealthy(ctx context.Context, urls []string) error {
	hc := &http.Client{Timeout: probeTimeout}
	defer hc.CloseIdleConnections()
	for _, u := range urls {
		body, err := getBody(ctx, hc, u+"/health")
		if err != nil {
			return err
		}
		if !strings.Contains(body, `"health":"true"`) {
			return fmt.Errorf("GET %s/health: %s", u, strings.TrimSpace(body))
		}
	}
	return nil
}

// getBody returns the body of GET url, whatever its status.
func getBody(ctx context.Context, hc *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return string(body), err
}
