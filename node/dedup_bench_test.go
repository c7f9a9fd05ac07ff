package node

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/hashicorp/raft"
)

// BenchmarkDedupMemoryPerRecord reports the heap one idempotency record
// takes in a full table (DefaultDedupMaxEntries records, as kv.Client's
// puts leave them: a 32-character key and a put's result), and how many
// heap objects, which the garbage collector visits on every cycle.
func BenchmarkDedupMemoryPerRecord(b *testing.B) {
	for b.Loop() {
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		f := NewFSM(FSMConfig{})
		for i := range DefaultDedupMaxEntries {
			cmd := idemPut(fmt.Sprintf("%032x", i), fmt.Sprintf("key/%012d", i%10000), "")
			f.Apply(&raft.Log{Index: uint64(i + 1), Type: raft.LogCommand, Data: EncodeCommand(cmd)})
		}
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		n := float64(DefaultDedupMaxEntries)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-B/record")
		b.ReportMetric(float64(after.HeapObjects-before.HeapObjects)/n, "objects/record")
		runtime.KeepAlive(f)
	}
}
