package main

import (
	"fmt"
	"slices"
	"strings"
)

// cellKey names one cell of the table.
type cellKey struct {
	workload string
	clients  int
	target   string
}

// summary is the medians of a cell's runs.
type summary struct {
	runs      int
	opsPerSec float64
	p50       float64 // microseconds
	p99       float64
	p999      float64
	cpuPerOp  float64 // server CPU microseconds per operation
	errors    int64
}

// summarizeAll groups results by cell and takes the median of each figure.
func summarizeAll(results []result) map[cellKey]summary {
	groups := map[cellKey][]result{}
	for _, r := range results {
		k := cellKey{r.Workload, r.Clients, r.Target}
		groups[k] = append(groups[k], r)
	}
	out := make(map[cellKey]summary, len(groups))
	for k, rs := range groups {
		out[k] = summarizeRuns(rs)
	}
	return out
}

// summarizeRuns returns the medians of rs and their total errors.
func summarizeRuns(rs []result) summary {
	s := summary{runs: len(rs)}
	pick := func(f func(result) float64) float64 {
		vals := make([]float64, len(rs))
		for i, r := range rs {
			vals[i] = f(r)
		}
		return median(vals)
	}
	s.opsPerSec = pick(func(r result) float64 { return r.OpsPerSec })
	s.p50 = pick(func(r result) float64 { return r.LatencyUs.P50 })
	s.p99 = pick(func(r result) float64 { return r.LatencyUs.P99 })
	s.p999 = pick(func(r result) float64 { return r.LatencyUs.P999 })
	s.cpuPerOp = pick(func(r result) float64 { return r.ServerCPUOp })
	for _, r := range rs {
		s.errors += r.Errors
	}
	return s
}

// median returns the middle value of vals (the mean of the two middle ones
// for an even count), 0 for none.
func median(vals []float64) float64 {
	if len(vals) == 0 {
		return 0
	}
	sorted := slices.Clone(vals)
	slices.Sort(sorted)
	mid := len(sorted) / 2
	if len(sorted)%2 == 0 {
		return (sorted[mid-1] + sorted[mid]) / 2
	}
	return sorted[mid]
}

// tableLayout orders the rows of the table.
type tableLayout struct {
	workloads []string
	clients   []int
	targets   []string
}

// tableHeader is the header of the comparison table.
const tableHeader = "| workload | clients | target | ops/s | ops/s vs etcd | p50 ms | p99 ms | p99.9 ms | p99 vs etcd | errors | server CPU µs/op |\n" +
	"|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|\n"

// renderTable renders the summaries as one markdown table: a row per
// workload, client count and target, with throughput and p99 as ratios to
// etcd's in the same cell ("-" where etcd did not run).
func renderTable(sums map[cellKey]summary, layout tableLayout) string {
	var b strings.Builder
	b.WriteString(tableHeader)
	for _, w := range layout.workloads {
		for _, n := range layout.clients {
			etcd, hasEtcd := sums[cellKey{w, n, targetEtcd}]
			for _, t := range layout.targets {
				if s, ok := sums[cellKey{w, n, t}]; ok {
					b.WriteString(renderRow(w, n, t, s, etcd, hasEtcd))
				}
			}
		}
	}
	return b.String()
}

// renderRow renders one row of the table.
func renderRow(workload string, clients int, target string, s, etcd summary, hasEtcd bool) string {
	opsRatio, p99Ratio := "-", "-"
	if hasEtcd {
		opsRatio, p99Ratio = ratio(s.opsPerSec, etcd.opsPerSec), ratio(s.p99, etcd.p99)
	}
	return fmt.Sprintf("| %s | %d | %s | %.0f | %s | %s | %s | %s | %s | %d | %.1f |\n",
		workload, clients, target, s.opsPerSec, opsRatio, millis(s.p50), millis(s.p99), millis(s.p999),
		p99Ratio, s.errors, s.cpuPerOp)
}

// ratio formats a/b as "1.23x", or "-" when b is 0.
func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", a/b)
}

// millis formats microseconds as milliseconds.
func millis(us float64) string { return fmt.Sprintf("%.2f", us/1000) }
