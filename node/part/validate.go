package part

import (
	"bytes"
	"fmt"
	"math"
)

// ReservedID is the one partition ID a map may not use: nodes route the
// connections their replicas share for replication under it.
const ReservedID = math.MaxUint64

// Validate reports the first way in which m is not a usable partition map,
// or nil. A valid map has a known partitioner; nodes with distinct, non-empty
// IDs; at least one partition; distinct partition IDs, none of them
// ReservedID; in every partition at least one replica, each naming a node of
// the map, none twice; and partitions that are non-empty, sorted, contiguous
// and cover the whole position space (the first starts at the beginning, the
// last is unbounded).
func (m *Map) Validate() error {
	if m == nil {
		return fmt.Errorf("partition map: nil map")
	}
	if _, err := m.partitioner(); err != nil {
		return err
	}
	nodes, err := nodeSet(m.Nodes)
	if err != nil {
		return fmt.Errorf("partition map: %w", err)
	}
	if len(m.Partitions) == 0 {
		return fmt.Errorf("partition map: no partitions")
	}
	if err := m.validatePartitions(nodes); err != nil {
		return err
	}
	return m.validateCoverage()
}

// partitioner returns the map's partitioner; the kind must be named exactly.
func (m *Map) partitioner() (Partitioner, error) {
	if m.Partitioner != KindHash && m.Partitioner != KindRange {
		return nil, fmt.Errorf("partition map: unknown partitioner %q: want %q or %q",
			m.Partitioner, KindHash, KindRange)
	}
	return NewPartitioner(m.Partitioner)
}

// nodeSet returns the set of node IDs, which must be non-empty and distinct.
func nodeSet(list []NodeInfo) (map[string]bool, error) {
	nodes := make(map[string]bool, len(list))
	for i, n := range list {
		if n.ID == "" {
			return nil, fmt.Errorf("node %d has an empty ID", i)
		}
		if nodes[n.ID] {
			return nil, fmt.Errorf("duplicate node ID %q", n.ID)
		}
		nodes[n.ID] = true
	}
	return nodes, nil
}

// validatePartitions checks partition IDs and replica lists.
func (m *Map) validatePartitions(nodes map[string]bool) error {
	ids := make(map[uint64]bool, len(m.Partitions))
	for _, p := range m.Partitions {
		if p.ID == ReservedID {
			return fmt.Errorf("partition map: partition ID %d is reserved", p.ID)
		}
		if ids[p.ID] {
			return fmt.Errorf("partition map: duplicate partition ID %d", p.ID)
		}
		ids[p.ID] = true
		if err := validateReplicas(p, nodes); err != nil {
			return err
		}
	}
	return nil
}

// validateReplicas checks that p has replicas, on known nodes, none twice.
func validateReplicas(p Partition, nodes map[string]bool) error {
	if len(p.Replicas) == 0 {
		return fmt.Errorf("partition map: partition %d has no replicas", p.ID)
	}
	for i, id := range p.Replicas {
		if !nodes[id] {
			return fmt.Errorf("partition map: partition %d replica %q is not a node of the map", p.ID, id)
		}
		for _, prev := range p.Replicas[:i] {
			if prev == id {
				return fmt.Errorf("partition map: partition %d lists node %q twice", p.ID, id)
			}
		}
	}
	return nil
}

// validateCoverage checks that the partitions are non-empty, contiguous and
// cover the whole position space, which also makes them sorted by Start.
func (m *Map) validateCoverage() error {
	parts := m.Partitions
	if first := parts[0]; len(first.Start) != 0 {
		return fmt.Errorf("partition map: first partition %d starts at %q, want the beginning (empty start)",
			first.ID, first.Start)
	}
	for i, p := range parts {
		if len(p.End) != 0 && bytes.Compare(p.Start, p.End) >= 0 {
			return fmt.Errorf("partition map: partition %d is empty: start %q is not below end %q", p.ID, p.Start, p.End)
		}
		if i+1 < len(parts) {
			if err := validateSeam(p, parts[i+1]); err != nil {
				return err
			}
		}
	}
	if last := parts[len(parts)-1]; len(last.End) != 0 {
		return fmt.Errorf("partition map: last partition %d ends at %q, want unbounded (empty end)", last.ID, last.End)
	}
	return nil
}

// validateSeam checks that next starts exactly where p ends.
func validateSeam(p, next Partition) error {
	switch c := bytes.Compare(p.End, next.Start); {
	case len(p.End) == 0:
		return fmt.Errorf("partition map: partitions %d and %d overlap: %d is unbounded above but is not last",
			p.ID, next.ID, p.ID)
	case c < 0:
		return fmt.Errorf("partition map: gap between partitions %d and %d: end %q is below next start %q",
			p.ID, next.ID, p.End, next.Start)
	case c > 0:
		return fmt.Errorf("partition map: partitions %d and %d overlap: end %q is above next start %q",
			p.ID, next.ID, p.End, next.Start)
	}
	return nil
}
