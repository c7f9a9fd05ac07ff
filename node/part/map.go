package part

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
)

// NodeInfo names a storage node and where to reach it.
type NodeInfo struct {
	ID       string `json:"id"`
	HTTPAddr string `json:"http_addr"`
	RaftAddr string `json:"raft_addr"`
}

// Partition is one range of the position space and the nodes that replicate
// it. It is one Raft group.
type Partition struct {
	ID    uint64 `json:"id"`
	Range        // the positions it holds: start and end
	// Epoch rises with every change to this partition (range or replicas).
	Epoch uint64 `json:"epoch"`
	// Replicas are distinct node IDs; the first is the preferred leader.
	Replicas []string `json:"replicas"`
}

// Map is the partition map of a cluster: its nodes and its partitions. A
// valid map (see Validate) has partitions sorted by Start, contiguous and
// covering the whole position space. Methods never modify the map; values
// they return share memory with it and must be treated as read-only.
type Map struct {
	// Version rises with every change to the map.
	Version uint64 `json:"version"`
	// Partitioner is KindHash or KindRange.
	Partitioner string     `json:"partitioner"`
	Nodes       []NodeInfo `json:"nodes"`
	// Partitions are sorted by Start, contiguous, covering the whole space.
	Partitions []Partition `json:"partitions"`
}

// Locate returns the partition that holds key, found by binary search on the
// key's position. It assumes a map that passed Validate but never answers
// wrongly: when the map is empty, has an unknown partitioner, or no
// partition found contains the position, it returns an error instead.
func (m *Map) Locate(key string) (Partition, error) {
	if m == nil || len(m.Partitions) == 0 {
		return Partition{}, fmt.Errorf("partition map: no partitions")
	}
	p, err := m.partitioner()
	if err != nil {
		return Partition{}, err
	}
	part, ok := m.locate(p.Position(key))
	if !ok {
		return Partition{}, fmt.Errorf("partition map is invalid: no partition holds key %q", key)
	}
	return part, nil
}

// locate returns the partition whose range contains pos, if the binary
// search on Start finds one.
func (m *Map) locate(pos []byte) (Partition, bool) {
	parts := m.Partitions
	i := sort.Search(len(parts), func(i int) bool { return bytes.Compare(parts[i].Start, pos) > 0 }) - 1
	if i < 0 || !parts[i].Contains(pos) {
		return Partition{}, false
	}
	return parts[i], true
}

// Covering returns, in position order, the partitions a key-order scan over
// the keys [start, end) must read (an empty end means unbounded above). With
// a range partitioner those are the partitions that overlap the keys; with a
// hash partitioner (or an unknown one) keys of any range may be anywhere, so
// it is every partition. An empty key interval needs none.
func (m *Map) Covering(start, end []byte) []Partition {
	if m == nil || (len(end) != 0 && bytes.Compare(start, end) >= 0) {
		return nil
	}
	if m.Partitioner != KindRange {
		return slices.Clone(m.Partitions)
	}
	var out []Partition
	for _, p := range m.Partitions {
		if p.Overlaps(start, end) {
			out = append(out, p)
		}
	}
	return out
}

// Partition returns the partition with the given ID, and whether there is one.
func (m *Map) Partition(id uint64) (Partition, bool) {
	if m == nil {
		return Partition{}, false
	}
	for _, p := range m.Partitions {
		if p.ID == id {
			return p, true
		}
	}
	return Partition{}, false
}

// Node returns the node with the given ID, and whether there is one.
func (m *Map) Node(id string) (NodeInfo, bool) {
	if m == nil {
		return NodeInfo{}, false
	}
	for _, n := range m.Nodes {
		if n.ID == id {
			return n, true
		}
	}
	return NodeInfo{}, false
}

// Clone returns a deep copy of m that shares no memory with it; nil slices
// stay nil. Clone of a nil map is nil.
func (m *Map) Clone() *Map {
	if m == nil {
		return nil
	}
	c := *m
	c.Nodes = slices.Clone(m.Nodes)
	if m.Partitions != nil {
		c.Partitions = make([]Partition, len(m.Partitions))
		for i, p := range m.Partitions {
			c.Partitions[i] = p.clone()
		}
	}
	return &c
}

// clone returns a deep copy of p.
func (p Partition) clone() Partition {
	p.Start = bytes.Clone(p.Start)
	p.End = bytes.Clone(p.End)
	p.Replicas = slices.Clone(p.Replicas)
	return p
}
