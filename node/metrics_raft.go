package node

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/treekv/kv/node/raftlog"
	"github.com/treekv/kv/node/raftnet"
)

// raftLogCounters are the counters of the node's shared Raft log: how many
// writes its group commits carried and how many fsyncs they cost.
func raftLogCounters(log *raftlog.Log) []prometheus.Collector {
	counter := func(name, help string, f func(raftlog.Stats) uint64) prometheus.Collector {
		return statCounter(name, help, log.Stats, f)
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

// raftNetCounters are the counters of the connections the node's replicas
// share to replicate: AppendEntries sent (heartbeats included), those that
// failed, and the connections dialed. Failures and dials that climb show a
// peer down or a link that breaks.
func raftNetCounters(net *raftnet.Net) []prometheus.Collector {
	counter := func(name, help string, f func(raftnet.Stats) uint64) prometheus.Collector {
		return statCounter(name, help, net.Stats, f)
	}
	return []prometheus.Collector{
		counter("treekv_raftnet_appends_total", "Raft AppendEntries requests this node's replicas sent to peers, heartbeats included.",
			func(s raftnet.Stats) uint64 { return s.Appends }),
		counter("treekv_raftnet_append_failures_total", "AppendEntries requests that failed: peer unreachable, connection broken, no answer in time, or refused.",
			func(s raftnet.Stats) uint64 { return s.AppendFailures }),
		counter("treekv_raftnet_dials_total", "Connections dialed to peers for replication.",
			func(s raftnet.Stats) uint64 { return s.Dials }),
	}
}

// statCounter is a counter that reads field f of the stats that stats
// returns, each time it is collected.
func statCounter[S any](name, help string, stats func() S, f func(S) uint64) prometheus.Collector {
	return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
		func() float64 { return float64(f(stats())) })
}
