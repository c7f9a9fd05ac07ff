package main

import (
	"encoding/json"
	"io"
	"math"
	"time"
)

// result is the outcome of one run, printed as one JSON line.
type result struct {
	Target      string    `json:"target"`
	Workload    string    `json:"workload"`
	Reads       float64   `json:"reads"`
	Consistency string    `json:"consistency"`
	Clients     int       `json:"clients"`
	Keys        int       `json:"keys"`
	ValueSize   int       `json:"value_size"`
	Seconds     float64   `json:"seconds"`
	Ops         int64     `json:"ops"`
	OpsPerSec   float64   `json:"ops_per_sec"`
	Errors      int64     `json:"errors"`
	Misses      int64     `json:"misses"`
	LatencyUs   latencyUs `json:"latency_us"`
	ServerCPU   float64   `json:"server_cpu_s"`
	ClientCPU   float64   `json:"client_cpu_s"`
	ServerCPUOp float64   `json:"server_cpu_us_per_op"`
	Repeat      int       `json:"repeat,omitempty"`
	FirstError  string    `json:"first_error,omitempty"`
	CPUError    string    `json:"cpu_error,omitempty"`
}

// latencyUs holds latencies in microseconds.
type latencyUs struct {
	P50  float64 `json:"p50"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p99.9"`
	Mean float64 `json:"mean"`
	Max  float64 `json:"max"`
}

// summarize merges the workers' counts into the result of a run.
func summarize(spec cellSpec, workers []*worker, used cpuUsage, cpuErr error) result {
	var h histogram
	r := result{
		Target: spec.target, Workload: spec.workload.name, Reads: spec.workload.reads,
		Consistency: spec.workload.consistency, Clients: spec.clients, Keys: len(spec.keys),
		ValueSize: spec.valueSize, Seconds: spec.duration.Seconds(),
	}
	for _, w := range workers {
		h.merge(&w.hist)
		r.Ops += w.ops
		r.Misses += w.misses
		r.Errors += w.errors
		if w.firstErr != nil && r.FirstError == "" {
			r.FirstError = w.firstErr.Error()
		}
	}
	r.OpsPerSec = round(float64(r.Ops)/spec.duration.Seconds(), 1)
	r.LatencyUs = latencies(&h)
	r.addCPU(used, cpuErr)
	return r
}

// addCPU records the CPU time used in the measured window.
func (r *result) addCPU(used cpuUsage, err error) {
	if err != nil {
		r.CPUError = err.Error()
	}
	r.ServerCPU = round(used.server.Seconds(), 3)
	r.ClientCPU = round(used.client.Seconds(), 3)
	if r.Ops > 0 {
		r.ServerCPUOp = round(float64(used.server.Microseconds())/float64(r.Ops), 2)
	}
}

// latencies reads the percentiles of h.
func latencies(h *histogram) latencyUs {
	return latencyUs{
		P50:  micros(h.quantile(0.50)),
		P99:  micros(h.quantile(0.99)),
		P999: micros(h.quantile(0.999)),
		Mean: micros(h.mean()),
		Max:  micros(h.max),
	}
}

// micros returns d in microseconds, to 0.1µs.
func micros(d time.Duration) float64 { return round(float64(d)/float64(time.Microsecond), 1) }

// round rounds x to digits decimals.
func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// writeJSONLine writes r as one line of JSON.
func writeJSONLine(w io.Writer, r result) error {
	return json.NewEncoder(w).Encode(r)
}
