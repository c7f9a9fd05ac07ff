package kv

import "github.com/treekv/kv/node/part"

// Partitioning types, shared with the storage nodes. A key's partition is
// found by its position: a fixed 64-bit hash of the key (or of its {tag})
// for HashPartitioner, the key itself for RangePartitioner.
type (
	// Partitioner maps a key to its position in the position space.
	Partitioner = part.Partitioner
	// HashPartitioner places a key at a stable 64-bit hash of it; a key
	// holding {tag} hashes only the tag, so related keys share a partition.
	HashPartitioner = part.HashPartitioner
	// RangePartitioner places a key at itself, so scans touch only the
	// partitions they overlap.
	RangePartitioner = part.RangePartitioner
	// PartitionMap is the sorted list of partitions covering the keyspace,
	// with the nodes that host them.
	PartitionMap = part.Map
	// Partition is one range [Start, End) of positions with its replicas.
	Partition = part.Partition
	// NodeInfo names a storage node and its addresses.
	NodeInfo = part.NodeInfo
	// PlanConfig says how to split the keyspace and place replicas.
	PlanConfig = part.PlanConfig
)

// Partitioner kinds, as a PartitionMap names them.
const (
	KindHash  = part.KindHash
	KindRange = part.KindRange
)

// PlanPartitions builds a version-1 partition map: the keyspace split as cfg
// says, each partition's replicas on distinct nodes, and the preferred
// leaders spread evenly over the nodes.
func PlanPartitions(cfg PlanConfig) (*PartitionMap, error) { return part.Plan(cfg) }
