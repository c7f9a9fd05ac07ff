package node

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/treekv/kv/node/raftlog"
	"github.com/treekv/kv/node/raftnet"
)

// raftLogCounters are the counters of the node's shared Raft log: how many
// writes its group commits carried and how many fsyncs they cost.
func raftLogCounters(log *raftlog.Log) []prometheus.Collector {
	return statCounters(log.Stats,
		statCounter[raftlog.Stats]{"treekv_raftlog_writes_total", "Writes to the shared Raft log (appends, truncations, stable values) answered.",
			func(s raftlog.Stats) uint64 { return s.Writes }},
		statCounter[raftlog.Stats]{"treekv_raftlog_commits_total", "Group commits of the shared Raft log: batches of writes made durable together.",
			func(s raftlog.Stats) uint64 { return s.Commits }},
		statCounter[raftlog.Stats]{"treekv_raftlog_syncs_total", "fsync calls of the shared Raft log.",
			func(s raftlog.Stats) uint64 { return s.Syncs }},
	)
}

// raftNetCounters are the counters of the connections the node's replicas
// share to replicate: AppendEntries sent (heartbeats included), those that
// failed, and the connections dialed. Failures and dials that climb show a
// peer down or a link that breaks.
func raftNetCounters(net *raftnet.Net) []prometheus.Collector {
	return statCounters(net.Stats,
		statCounter[raftnet.Stats]{"treekv_raftnet_appends_total", "Raft AppendEntries requests this node's replicas sent to peers, heartbeats included.",
			func(s raftnet.Stats) uint64 { return s.Appends }},
		statCounter[raftnet.Stats]{"treekv_raftnet_append_failures_total", "AppendEntries requests that failed: peer unreachable, connection broken, no answer in time, or refused.",
			func(s raftnet.Stats) uint64 { return s.AppendFailures }},
		statCounter[raftnet.Stats]{"treekv_raftnet_dials_total", "Connections dialed to peers for replication.",
			func(s raftnet.Stats) uint64 { return s.Dials }},
	)
}

// statCounter is a Prometheus counter read from one field of a stats
// struct S.
type statCounter[S any] struct {
	name, help string
	field      func(S) uint64
}

// statCounters returns the counters, each reading its field of what stats
// returns when collected.
func statCounters[S any](stats func() S, counters ...statCounter[S]) []prometheus.Collector {
	out := make([]prometheus.Collector, len(counters))
	for i, c := range counters {
		out[i] = prometheus.NewCounterFunc(prometheus.CounterOpts{Name: c.name, Help: c.help},
			func() float64 { return float64(c.field(stats())) })
	}
	return out
}
