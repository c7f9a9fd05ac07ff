package balancer

import (
	"slices"
	"sync"
	"time"
)

// latencySamples is how many recent latencies a backend keeps for its
// percentiles.
const latencySamples = 1024

// latencyWindow keeps the latest latencySamples latencies of a backend.
// It is safe for concurrent use.
type latencyWindow struct {
	mu      sync.Mutex
	samples []time.Duration // a ring once full
	next    int             // where the next sample goes once full
}

func (l *latencyWindow) add(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.samples) < latencySamples {
		l.samples = append(l.samples, d)
		return
	}
	l.samples[l.next] = d
	l.next = (l.next + 1) % latencySamples
}

// Percentiles are latency percentiles in milliseconds; zero without samples.
type Percentiles struct {
	P50 float64 `json:"latency_p50_ms"`
	P90 float64 `json:"latency_p90_ms"`
	P99 float64 `json:"latency_p99_ms"`
}

// percentiles returns the nearest-rank percentiles of the kept samples.
func (l *latencyWindow) percentiles() Percentiles {
	l.mu.Lock()
	sorted := slices.Clone(l.samples)
	l.mu.Unlock()
	if len(sorted) == 0 {
		return Percentiles{}
	}
	slices.Sort(sorted)
	return Percentiles{P50: rank(sorted, 50), P90: rank(sorted, 90), P99: rank(sorted, 99)}
}

// rank returns the p-th percentile of sorted samples in milliseconds.
func rank(sorted []time.Duration, p int) float64 {
	i := (len(sorted)*p + 99) / 100 // ceil(n*p/100), the nearest rank
	return float64(sorted[max(i-1, 0)]) / float64(time.Millisecond)
}
