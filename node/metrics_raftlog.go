package node

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/treekv/kv/node/raftlog"
)

// raftLogCounters are the counters of the node's shared Raft log: how many
// writes its group commits carried and how many fsyncs they cost.
func raftLogCounters(log *raftlog.Log) []prometheus.Collector {
	counter := func(name, help string, f func(raftlog.Stats) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(f(log.Stats())) })
	}
	return []prometheus.Collector{
		counter("treekv_raftlog_writes_total", "Writes to the shared Raft log (appends, truncations, stable values) answered.",
			func(s raftlog.Stats) uint64 { return s.Writes }),
		counter("treekv_raftlog_commits_total", "Group commits of the shared Raft log: batches of writes made durable together.",
			func(s raftlog.Stats) uint64 { return s.Commits }),
		counter("treekv_raftlog_syncs_total", "fsync calls of the shared Raft log.",
			func(s raftlog.Stats) uint64 { return s.Syncs }),
	}
}
