package node

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/hashicorp/raft"
)

// Shape of the memory benchmark: the million keys of 16 bytes with
// values of 100 bytes.
const (
	memoryKeys      = 1_000_000
	memoryValueSize = 100
)

// heapInUse returns the bytes of live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// fillFSM applies n puts of 16-byte keys, in random order, through Apply as
// a replica does, and returns the FSM.
func fillFSM(n int) *FSM {
	f := NewFSM(FSMConfig{})
	value := make([]byte, memoryValueSize)
	for i, k := range rand.New(rand.NewPCG(1, 2)).Perm(n) {
		cmd := putCmd(fmt.Sprintf("key/%012d", k), "")
		cmd.Success[0].Value = value
		f.Apply(&raft.Log{Index: uint64(i + 1), Type: raft.LogCommand, Data: EncodeCommand(cmd)})
	}
	return f
}

// BenchmarkFSMMemoryPerKey reports the heap a replica's state machine uses
// per key beyond the key and value bytes themselves (overhead-B/key).
func BenchmarkFSMMemoryPerKey(b *testing.B) {
	for b.Loop() {
		before := heapInUse()
		f := fillFSM(memoryKeys)
		used := float64(heapInUse() - before)
		b.ReportMetric(used/memoryKeys, "heap-B/key")
		b.ReportMetric((used-float64(f.Bytes()))/memoryKeys, "overhead-B/key")
		runtime.KeepAlive(f)
	}
}

// BenchmarkFSMMemoryPerKeyRestored reports the same as
// BenchmarkFSMMemoryPerKey for a state machine restored from a snapshot of
// that state, as after a restart or a snapshot install.
func BenchmarkFSMMemoryPerKeyRestored(b *testing.B) {
	data := snapshotBytes(b, fillFSM(memoryKeys))
	for b.Loop() {
		before := heapInUse()
		f := NewFSM(FSMConfig{})
		if err := f.Restore(io.NopCloser(bytes.NewReader(data))); err != nil {
			b.Fatal(err)
		}
		used := float64(heapInUse() - before)
		b.ReportMetric(used/memoryKeys, "heap-B/key")
		b.ReportMetric((used-float64(f.Bytes()))/memoryKeys, "overhead-B/key")
		runtime.KeepAlive(f)
	}
}
