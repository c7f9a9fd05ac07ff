package balancer

import (
	"github.com/treekv/kv/node/controller"
	"github.com/treekv/kv/node/part"
)

// leaderTable is what leader-aware routing knows of the cluster: the
// partition map and each partition's leader, from one cluster view. It is
// never modified once built.
type leaderTable struct {
	version uint64
	pmap    *part.Map
	leaders map[uint64]string // partition ID -> leader node ID
}

func newLeaderTable(v controller.ClusterView) *leaderTable {
	t := &leaderTable{version: v.Version, pmap: v.Map, leaders: map[uint64]string{}}
	for _, p := range v.Partitions {
		if p.Leader != "" {
			t.leaders[p.ID] = p.Leader
		}
	}
	return t
}

// locate returns the node IDs of the leader and of the replicas of key's
// partition; ok is false when the table cannot place the key.
func (t *leaderTable) locate(key string) (leader string, replicas []string, ok bool) {
	if t == nil || t.pmap == nil {
		return "", nil, false
	}
	p, err := t.pmap.Locate(key)
	if err != nil {
		return "", nil, false
	}
	return t.leaders[p.ID], p.Replicas, true
}
