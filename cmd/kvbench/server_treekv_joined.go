package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"

	kv "github.com/treekv/kv"
	"github.com/treekv/kv/node/controller"
)

// controllerPackage is the package of treekv's controller.
const controllerPackage = "github.com/treekv/kv/cmd/controller"

// treekvReplicas is the number of replicas of each partition -start places.
const treekvReplicas = 3

// startTreekvJoined starts a cmd/controller without nodes of its own and
// three cmd/node processes that join it, then waits until the controller's
// view shows the cluster settled (see settled) and every node is ready. The
// cluster's controller is then set: kv.Client follows its map.
func (l *launcher) startTreekvJoined(ctx context.Context, c *cluster, dir string) error {
	controlBin, err := l.binary(l.cfg.controlBin, controllerPackage)
	if err != nil {
		return err
	}
	nodeBin, err := l.binary(l.cfg.nodeBin, nodePackage)
	if err != nil {
		return err
	}
	ctl, err := l.startController(ctx, c, dir, controlBin)
	if err != nil {
		return err
	}
	nodes, err := startJoinedNodes(c, dir, nodeBin, ctl)
	if err != nil {
		return err
	}
	err = c.waitReady(ctx, func(ctx context.Context) error {
		return errors.Join(clusterSettled(ctx, ctl, l.cfg.partitions), allReady(ctx, nodes))
	})
	c.endpoints, c.controller = nodes, ctl
	return err
}

// startController starts a controller alone (-nodes 0) that places the
// partitions once three nodes have joined it, waits until it has a leader,
// and returns its base URL.
func (l *launcher) startController(ctx context.Context, c *cluster, dir, bin string) (string, error) {
	addrs, err := freeAddrs(2)
	if err != nil {
		return "", err
	}
	args := []string{"-id", "c1", "-http", addrs[0], "-raft", addrs[1], "-nodes", "0", "-data-dir", dir,
		"-partitions", strconv.Itoa(l.cfg.partitions), "-replicas", strconv.Itoa(treekvReplicas), "-log-level", "warn"}
	if err := c.launch(dir, "controller", bin, args...); err != nil {
		return "", err
	}
	base := "http://" + addrs[0]
	return base, c.waitReady(ctx, func(ctx context.Context) error { return allReady(ctx, []string{base}) })
}

// startJoinedNodes starts three cmd/node processes that join the controller
// at ctl, and returns their base URLs.
func startJoinedNodes(c *cluster, dir, bin, ctl string) ([]string, error) {
	addrs, err := freeAddrs(2 * treekvNodes)
	if err != nil {
		return nil, err
	}
	var urls []string
	for i := range treekvNodes {
		id := fmt.Sprintf("n%d", i+1)
		args := []string{"-id", id, "-http", addrs[2*i], "-raft", addrs[2*i+1], "-data-dir", filepath.Join(dir, id),
			"-join", ctl, "-log-level", "warn"}
		if err := c.launch(dir, id, bin, args...); err != nil {
			return nil, err
		}
		urls = append(urls, "http://"+addrs[2*i])
	}
	return urls, nil
}

// clusterSettled fetches the controller's view and says what keeps it
// from being settled, if anything.
func clusterSettled(ctx context.Context, base string, partitions int) error {
	view, err := fetchClusterView(ctx, base)
	if err != nil {
		return err
	}
	return settled(view, treekvNodes, partitions)
}

// fetchClusterView gets GET /v1/cluster from the controller at base.
func fetchClusterView(ctx context.Context, base string) (kv.ClusterView, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/cluster", nil)
	if err != nil {
		return kv.ClusterView{}, err
	}
	hc := &http.Client{Timeout: probeTimeout}
	defer hc.CloseIdleConnections()
	resp, err := hc.Do(req)
	if err != nil {
		return kv.ClusterView{}, err
	}
	defer resp.Body.Close()
	var view kv.ClusterView
	if resp.StatusCode != http.StatusOK {
		return view, fmt.Errorf("GET %s/v1/cluster: %s", base, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&view); err != nil {
		return view, fmt.Errorf("GET %s/v1/cluster: %w", base, err)
	}
	return view, nil
}

// settled says what keeps view from the steady cluster a measurement
// needs, if anything: the given numbers of nodes, all up; of partitions,
// each placed on treekvReplicas nodes whose replicas are a leader and
// up-to-date followers; no replica moving; and leaderships spread evenly
// (no node leads two more partitions than another), so that the
// controller has no transfer left to make.
func settled(view kv.ClusterView, nodes, partitions int) error {
	if err := nodesUp(view, nodes); err != nil {
		return err
	}
	if err := partitionsLed(view, partitions); err != nil {
		return err
	}
	if len(view.Moves) > 0 {
		return fmt.Errorf("%d replica moves in flight", len(view.Moves))
	}
	return leadersSpread(view)
}

// nodesUp checks that view has nodes nodes, all up.
func nodesUp(view kv.ClusterView, nodes int) error {
	if len(view.Nodes) != nodes {
		return fmt.Errorf("%d of %d nodes joined", len(view.Nodes), nodes)
	}
	for _, n := range view.Nodes {
		if n.Health != controller.HealthUp {
			return fmt.Errorf("node %s is %s", n.ID, n.Health)
		}
	}
	return nil
}

// partitionsLed checks that view has partitions partitions, each with a
// leader and treekvReplicas replicas, each a leader or a follower.
func partitionsLed(view kv.ClusterView, partitions int) error {
	if view.Map == nil || len(view.Partitions) != partitions {
		return fmt.Errorf("%d of %d partitions placed", len(view.Partitions), partitions)
	}
	for _, p := range view.Partitions {
		if p.Leader == "" {
			return fmt.Errorf("partition %d has no leader", p.ID)
		}
		if len(p.Replicas) != treekvReplicas {
			return fmt.Errorf("partition %d has %d of %d replicas", p.ID, len(p.Replicas), treekvReplicas)
		}
		for _, r := range p.Replicas {
			if r.Role != controller.RoleLeader && r.Role != controller.RoleFollower {
				return fmt.Errorf("partition %d: the replica on %s is %s", p.ID, r.Node, r.Role)
			}
		}
	}
	return nil
}

// leadersSpread checks that no node of view leads two more partitions than
// another.
func leadersSpread(view kv.ClusterView) error {
	counts := map[string]int{}
	for _, n := range view.Nodes {
		counts[n.ID] = 0
	}
	for _, p := range view.Partitions {
		counts[p.Leader]++
	}
	lo, hi := len(view.Partitions), 0
	for _, n := range counts {
		lo, hi = min(lo, n), max(hi, n)
	}
	if hi-lo > 1 {
		return fmt.Errorf("leaderships not spread yet: %v partitions led per node", counts)
	}
	return nil
}
