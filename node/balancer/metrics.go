package balancer

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics is the balancer's own Prometheus registry. Per-backend series
// are dropped when their backend is removed.
type metrics struct {
	registry  *prometheus.Registry
	requests  *prometheus.CounterVec   // attempts by backend and answer code
	retries   *prometheus.CounterVec   // attempts sent as retries, by backend
	failovers *prometheus.CounterVec   // failed attempts retried elsewhere, by backend
	latency   *prometheus.HistogramVec // attempt latency by backend
}

func newMetrics(p *pool, now func() time.Time) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "treekv_balancer_requests_total",
			Help: `Attempts sent to each backend, by answer status code ("error" when no answer came).`,
		}, []string{"backend", "code"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "treekv_balancer_retries_total",
			Help: "Attempts sent to each backend as the retry of a failed attempt.",
		}, []string{"backend"}),
		failovers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "treekv_balancer_failovers_total",
			Help: "Failed attempts on each backend whose request was sent again.",
		}, []string{"backend"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "treekv_balancer_request_duration_seconds",
			Help:    "Latency of attempts on each backend, answer body included.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"backend"}),
	}
	m.registry.MustRegister(m.requests, m.retries, m.failovers, m.latency, newPoolCollector(p, now),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) attemptStarted(b *backend, retry bool) {
	if retry {
		m.retries.WithLabelValues(b.id).Inc()
	}
}

func (m *metrics) attemptDone(b *backend, a *attempt, latency time.Duration) {
	m.requests.WithLabelValues(b.id, answerCode(a)).Inc()
	m.latency.WithLabelValues(b.id).Observe(latency.Seconds())
}

func (m *metrics) failover(b *backend) { m.failovers.WithLabelValues(b.id).Inc() }

// forget drops the series of a removed backend.
func (m *metrics) forget(b *backend) {
	labels := prometheus.Labels{"backend": b.id}
	m.requests.DeletePartialMatch(labels)
	m.retries.DeletePartialMatch(labels)
	m.failovers.DeletePartialMatch(labels)
	m.latency.DeletePartialMatch(labels)
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// answerCode is the status code of an attempt's answer, or "error".
func answerCode(a *attempt) string {
	switch {
	case a.held != nil:
		return strconv.Itoa(a.held.status)
	case a.err != nil || a.status == 0:
		return "error"
	}
	return strconv.Itoa(a.status)
}

// poolCollector reports each backend's health, ejection and requests in
// flight as gauges at scrape time.
type poolCollector struct {
	pool                       *pool
	now                        func() time.Time
	healthy, ejected, inFlight *prometheus.Desc
}

func newPoolCollector(p *pool, now func() time.Time) *poolCollector {
	return &poolCollector{
		pool: p,
		now:  now,
		healthy: prometheus.NewDesc("treekv_balancer_backend_healthy",
			"1 when the backend passes its health checks and the controller does not report it down.",
			[]string{"backend"}, nil),
		ejected: prometheus.NewDesc("treekv_balancer_backend_ejected",
			"1 while the backend is ejected after a failure.", []string{"backend"}, nil),
		inFlight: prometheus.NewDesc("treekv_balancer_in_flight",
			"Attempts in flight on the backend.", []string{"backend"}, nil),
	}
}

// Describe sends the descriptions of the gauges.
func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.healthy
	ch <- c.ejected
	ch <- c.inFlight
}

// Collect sends the gauges of every backend in the pool.
func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	for _, b := range c.pool.all() {
		_, _, ejected := b.state(c.now())
		ch <- prometheus.MustNewConstMetric(c.healthy, prometheus.GaugeValue, boolValue(b.isHealthy()), b.id)
		ch <- prometheus.MustNewConstMetric(c.ejected, prometheus.GaugeValue, boolValue(ejected), b.id)
		ch <- prometheus.MustNewConstMetric(c.inFlight, prometheus.GaugeValue, float64(b.inFlight.Load()), b.id)
	}
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
