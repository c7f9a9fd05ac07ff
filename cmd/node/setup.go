package main

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/part"
)

// ensureMap gives a new node its partition map and replicas. The map is
// planned from the peers, so every node given the same flags plans the same
// map; the node creates its replica of each partition that lists it, and
// bootstraps the group when it is the partition's first replica. A node
// that already has a map (a restart) keeps it and its replicas, and creates
// any replica a first start stopped before creating.
func ensureMap(n *node.Node, cfg config, logger *slog.Logger) error {
	if m := n.Map(); m != nil {
		created, err := createReplicas(n, m)
		logger.Info("resuming the saved partition map", "version", m.Version, "partitions", len(m.Partitions), "replicas_created", created)
		return err
	}
	if len(cfg.peers) == 0 {
		return errors.New("the node has no partition map yet: give -peers to plan one")
	}
	m, err := part.Plan(cfg.planConfig())
	if err != nil {
		return err
	}
	if err := n.SetMap(m); err != nil {
		return fmt.Errorf("install the partition map: %w", err)
	}
	created, err := createReplicas(n, m)
	if err != nil {
		return err
	}
	logger.Info("planned the partition map", "partitions", len(m.Partitions), "replicas_here", created)
	return nil
}

// createReplicas creates this node's replica of every partition that lists
// it and that it does not host yet, and returns how many it created.
// Bootstrapping again is harmless: a replica with state ignores it.
func createReplicas(n *node.Node, m *part.Map) (int, error) {
	created := 0
	for _, p := range m.Partitions {
		i := slices.Index(p.Replicas, n.ID())
		if _, hosted := n.Replica(p.ID); i < 0 || hosted {
			continue
		}
		if err := n.CreateReplica(p.ID, i == 0); err != nil {
			return created, fmt.Errorf("create the replica of partition %d: %w", p.ID, err)
		}
		created++
	}
	return created, nil
}
