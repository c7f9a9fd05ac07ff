package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		vals []float64
		want float64
	}{
		{"none", nil, 0},
		{"one", []float64{3}, 3},
		{"odd", []float64{9, 1, 5}, 5},
		{"even", []float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, median(tt.vals))
		})
	}
}

func TestSummarizeAllTakesMediansPerCell(t *testing.T) {
	run := func(target string, ops, p99 float64, errs int64) result {
		return result{Target: target, Workload: "put", Clients: 16, OpsPerSec: ops,
			LatencyUs: latencyUs{P50: ops / 10, P99: p99, P999: 2 * p99}, Errors: errs}
	}
	sums := summarizeAll([]result{
		run("etcd", 1000, 9000, 0), run("etcd", 3000, 7000, 1), run("etcd", 2000, 8000, 0),
		run("treekv", 4000, 5000, 2),
	})
	assert.Len(t, sums, 2)
	etcd := sums[cellKey{"put", 16, "etcd"}]
	assert.Equal(t, summary{runs: 3, opsPerSec: 2000, p50: 200, p99: 8000, p999: 16000, errors: 1}, etcd)
	assert.Equal(t, 1, sums[cellKey{"put", 16, "treekv"}].runs)
}

func TestRenderTable(t *testing.T) {
	sums := map[cellKey]summary{
		{"put", 1, "etcd"}:    {runs: 3, opsPerSec: 1000, p50: 1000, p99: 4000, p999: 8000, cpuPerOp: 250},
		{"put", 1, "treekv"}:  {runs: 3, opsPerSec: 2500, p50: 500, p99: 2000, p999: 3000, cpuPerOp: 120.25},
		{"put", 1, "redis"}:   {runs: 3, opsPerSec: 9000, p50: 100, p99: 300, p999: 400, cpuPerOp: 10, errors: 2},
		{"get", 64, "treekv"}: {runs: 3, opsPerSec: 5000, p50: 100, p99: 900, p999: 1500, cpuPerOp: 40},
	}
	got := renderTable(sums, tableLayout{
		workloads: []string{"put", "get"}, clients: []int{1, 64}, targets: []string{"etcd", "treekv", "redis"}})
	want := tableHeader +
		"| put | 1 | etcd | 1000 | 1.00x | 1.00 | 4.00 | 8.00 | 1.00x | 0 | 250.0 |\n" +
		"| put | 1 | treekv | 2500 | 2.50x | 0.50 | 2.00 | 3.00 | 0.50x | 0 | 120.2 |\n" +
		"| put | 1 | redis | 9000 | 9.00x | 0.10 | 0.30 | 0.40 | 0.07x | 2 | 10.0 |\n" +
		"| get | 64 | treekv | 5000 | - | 0.10 | 0.90 | 1.50 | - | 0 | 40.0 |\n"
	assert.Equal(t, want, got)
}

func TestMatrixCellsRepeatTheWholeMatrix(t *testing.T) {
	cfg := config{repeat: 2, workloads: []string{"put", "get"}, compareClients: []int{1, 64}}
	cells := matrixCells(cfg)
	assert.Len(t, cells, 8)
	assert.Equal(t, cellPlan{workload: matrixWorkloads()[0], clients: 1, repeat: 1}, cells[0])
	assert.Equal(t, cellPlan{workload: matrixWorkloads()[1], clients: 64, repeat: 1}, cells[3])
	assert.Equal(t, cellPlan{workload: matrixWorkloads()[0], clients: 1, repeat: 2}, cells[4])
}
