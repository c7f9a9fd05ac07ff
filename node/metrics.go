package node

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics is the node's own Prometheus registry and its collectors.
type metrics struct {
	registry  *prometheus.Registry
	requests  *prometheus.HistogramVec
	forwarded prometheus.Counter
	rate      *rateMeter // data API requests, for NodeReport.RequestsPerSec
}

func newMetrics(n *Node) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		rate:     newRateMeter(time.Now),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "treekv_http_request_duration_seconds",
			Help:    "Latency of HTTP data API requests by route, method and status code.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"route", "method", "code"}),
		forwarded: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "treekv_forwarded_requests_total",
			Help: "Requests this node forwarded to another node.",
		}),
	}
	m.registry.MustRegister(m.requests, m.forwarded,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		replicaGauge("treekv_replicas", "Replicas hosted by this node.", func() float64 { return float64(len(n.Replicas())) }),
		replicaGauge("treekv_leaders", "Replicas on this node that lead their partition.", n.leaderCount),
	)
	m.registry.MustRegister(raftNetCounters(n.raftNet)...)
	if n.sharedLog != nil {
		m.registry.MustRegister(raftLogCounters(n.sharedLog)...)
	}
	return m
}

func replicaGauge(name, help string, f func() float64) prometheus.GaugeFunc {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f)
}

func (n *Node) leaderCount() float64 {
	n.mu.RLock()
	defer n.mu.RUnlock()
	count := 0
	for _, r := range n.replicas {
		if r.IsLeader() {
			count++
		}
	}
	return float64(count)
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}
