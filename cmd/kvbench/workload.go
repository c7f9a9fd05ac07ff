package main

import (
	"fmt"
	"math/rand/v2"
)

// workload is one kind of load: a read fraction and a read consistency.
type workload struct {
	name        string
	reads       float64 // fraction of gets, 0..1
	consistency string
}

// matrixWorkloads returns the workloads of -compare, in the order of the
// table.
func matrixWorkloads() []workload {
	return []workload{
		{name: "put", reads: 0, consistency: consistencyLinearizable},
		{name: "get", reads: 1, consistency: consistencyLinearizable},
		{name: "stale-get", reads: 1, consistency: consistencyStale},
		{name: "mixed-90/10", reads: 0.9, consistency: consistencyLinearizable},
	}
}

// workloadNames returns the names of the matrix's workloads.
func workloadNames() []string {
	ws := matrixWorkloads()
	names := make([]string, len(ws))
	for i, w := range ws {
		names[i] = w.name
	}
	return names
}

// lookupWorkload returns the matrix's workload called name.
func lookupWorkload(name string) (workload, bool) {
	for _, w := range matrixWorkloads() {
		if w.name == name {
			return w, true
		}
	}
	return workload{}, false
}

// describeWorkload names the workload of a read fraction and consistency:
// the matrix's name when one matches, else "mix-rF".
func describeWorkload(reads float64, consistency string) workload {
	for _, w := range matrixWorkloads() {
		if w.reads == reads && w.consistency == consistency {
			return w
		}
	}
	if reads == 0 {
		return workload{name: "put", reads: 0, consistency: consistency}
	}
	return workload{name: fmt.Sprintf("mix-r%.2f", reads), reads: reads, consistency: consistency}
}

// op is one kind of operation.
type op int

// The operations of a workload.
const (
	opPut op = iota
	opGet
)

// mix picks the operations of a workload.
type mix struct {
	reads float64
}

// next returns the next operation: a get with probability reads, else a
// put. A mix of 0 or 1 never draws from r.
func (m mix) next(r *rand.Rand) op {
	switch {
	case m.reads >= 1:
		return opGet
	case m.reads <= 0:
		return opPut
	case r.Float64() < m.reads:
		return opGet
	default:
		return opPut
	}
}

// keyNames returns the keyspace: n keys of one length, in order.
func keyNames(n int) []string {
	keys := make([]string, n)
	width := len(fmt.Sprint(n - 1))
	for i := range keys {
		keys[i] = fmt.Sprintf("kvbench-%0*d", width, i)
	}
	return keys
}

// newValue returns size bytes drawn from r, the value every put writes.
func newValue(r *rand.Rand, size int) []byte {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	v := make([]byte, size)
	for i := range v {
		v[i] = letters[r.IntN(len(letters))]
	}
	return v
}
