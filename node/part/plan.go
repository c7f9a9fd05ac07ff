package part

import (
	"fmt"
	"slices"
)

// Defaults of PlanConfig.
const (
	DefaultPartitions = 8
	DefaultReplicas   = 3
)

// PlanConfig describes the first placement of a cluster. Its zero value,
// given enough Nodes, plans DefaultPartitions hash partitions of
// DefaultReplicas replicas each.
type PlanConfig struct {
	// Partitioner is KindHash (the default, also for "") or KindRange.
	Partitioner string
	// Partitions is the number of equal hash ranges, default
	// DefaultPartitions. With KindRange it must be 0 or len(SplitKeys)+1.
	Partitions int
	// SplitKeys split the key space of KindRange into len+1 partitions; they
	// must be non-empty and strictly increasing. KindHash takes none.
	SplitKeys []string
	// Replicas per partition, default DefaultReplicas.
	Replicas int
	// Nodes to place replicas on: at least Replicas of them, distinct IDs.
	Nodes []NodeInfo
}

// Plan builds the version-1 map of a new cluster. Partition IDs are 1..P in
// position order and every epoch is 1. The replicas of partition i (0-based)
// are Nodes[(i+j) % N] for j < Replicas, so no node holds two replicas of a
// partition, and the first (preferred leader) rotates over the nodes: each
// node leads P/N partitions when N divides P. The returned map passes
// Validate and shares no memory with cfg.
func Plan(cfg PlanConfig) (*Map, error) {
	kind, ranges, err := cfg.ranges()
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	r, err := cfg.replicas()
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	m := &Map{Version: 1, Partitioner: kind, Nodes: slices.Clone(cfg.Nodes)}
	m.Partitions = make([]Partition, len(ranges))
	for i, rg := range ranges {
		m.Partitions[i] = Partition{ID: uint64(i + 1), Range: rg, Epoch: 1, Replicas: place(cfg.Nodes, i, r)}
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	return m, nil
}

// ranges returns the partitioner kind and the ranges cfg asks for.
func (cfg PlanConfig) ranges() (string, []Range, error) {
	switch cfg.Partitioner {
	case "", KindHash:
		if len(cfg.SplitKeys) != 0 {
			return "", nil, fmt.Errorf("SplitKeys apply to the %q partitioner only", KindRange)
		}
		p := cfg.Partitions
		if p == 0 {
			p = DefaultPartitions
		}
		ranges, err := HashRanges(p)
		return KindHash, ranges, err
	case KindRange:
		if cfg.Partitions != 0 && cfg.Partitions != len(cfg.SplitKeys)+1 {
			return "", nil, fmt.Errorf("%d partitions asked of the %q partitioner, but %d split keys make %d",
				cfg.Partitions, KindRange, len(cfg.SplitKeys), len(cfg.SplitKeys)+1)
		}
		ranges, err := SplitRanges(cfg.SplitKeys)
		return KindRange, ranges, err
	}
	_, err := NewPartitioner(cfg.Partitioner)
	return "", nil, err
}

// replicas returns the replication factor, checked against the nodes,
// whose IDs must be non-empty and distinct.
func (cfg PlanConfig) replicas() (int, error) {
	r := cfg.Replicas
	if r == 0 {
		r = DefaultReplicas
	}
	if r < 0 {
		return 0, fmt.Errorf("replicas must be positive, got %d", r)
	}
	if _, err := nodeSet(cfg.Nodes); err != nil {
		return 0, err
	}
	if len(cfg.Nodes) < r {
		return 0, fmt.Errorf("%d replicas need at least %d nodes, have %d", r, r, len(cfg.Nodes))
	}
	return r, nil
}

// place returns the r node IDs that replicate partition i.
func place(nodes []NodeInfo, i, r int) []string {
	ids := make([]string, r)
	for j := range ids {
		ids[j] = nodes[(i+j)%len(nodes)].ID
	}
	return ids
}
