package node

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/hashicorp/raft"
)

const benchKeys = 100000

func benchKey(i int) string { return fmt.Sprintf("key/%08d", i%benchKeys) }

// loadedFSM returns a state machine holding benchKeys keys of 100-byte values.
func loadedFSM(b *testing.B) *FSM {
	f := NewFSM(FSMConfig{})
	value := make([]byte, 100)
	for i := range benchKeys {
		cmd := &Command{Success: []Op{{Kind: OpPut, Key: benchKey(i), Value: value}}}
		f.Apply(&raft.Log{Index: uint64(i + 1), Type: raft.LogCommand, Data: EncodeCommand(cmd)})
	}
	return f
}

func reportOps(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

func BenchmarkFSMApplyPut(b *testing.B) {
	f := loadedFSM(b)
	logs := make([][]byte, 1024)
	for i := range logs {
		logs[i] = EncodeCommand(&Command{Success: []Op{{Kind: OpPut, Key: benchKey(i * 97), Value: make([]byte, 100)}}})
	}
	index := uint64(benchKeys)
	b.ReportAllocs()
	for b.Loop() {
		index++
		f.Apply(&raft.Log{Index: index, Type: raft.LogCommand, Data: logs[index%1024]})
	}
	reportOps(b)
}

// BenchmarkFSMApplyIdempotentPut applies puts that each carry a new
// idempotency key; the time includes encoding each command.
func BenchmarkFSMApplyIdempotentPut(b *testing.B) {
	f := loadedFSM(b)
	cmd := &Command{Success: []Op{{Kind: OpPut, Value: make([]byte, 100)}}}
	var buf []byte
	index := uint64(benchKeys)
	b.ReportAllocs()
	for b.Loop() {
		index++
		cmd.IdempotencyKey = fmt.Sprintf("req-%d", index)
		cmd.Success[0].Key = benchKey(int(index) * 97)
		buf = AppendCommand(buf[:0], cmd)
		f.Apply(&raft.Log{Index: index, Type: raft.LogCommand, Data: buf})
	}
	reportOps(b)
}

// benchLookups returns n keys of loadedFSM, spread over the whole tree.
func benchLookups(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = benchKey(i * 7919)
	}
	return keys
}

func BenchmarkFSMGet(b *testing.B) {
	f := loadedFSM(b)
	keys := benchLookups(benchKeys)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, ok := f.Get(keys[i%len(keys)]); !ok {
			b.Fatal("key missing")
		}
		i++
	}
	reportOps(b)
}

func BenchmarkFSMGetParallel(b *testing.B) {
	f := loadedFSM(b)
	keys := benchLookups(benchKeys)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			f.Get(keys[i%len(keys)])
		}
	})
	reportOps(b)
}

func BenchmarkFSMScan100(b *testing.B) {
	f := loadedFSM(b)
	keys := benchLookups(1024)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if got := f.Scan(keys[i%len(keys)], "", 100); len(got) == 0 {
			b.Fatal("empty scan")
		}
		i++
	}
	reportOps(b)
}

func BenchmarkDecodeCommand(b *testing.B) {
	data := EncodeCommand(&Command{
		IdempotencyKey: "req-1",
		Compares:       []Compare{{Key: "key/1", Target: TargetMod, Op: CmpEqual, Number: 42}},
		Success:        []Op{{Kind: OpPut, Key: "key/1", Value: make([]byte, 100)}},
		Failure:        []Op{{Kind: OpGet, Key: "key/1"}},
	})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeCommand(data); err != nil {
			b.Fatal(err)
		}
	}
	reportOps(b)
}

func BenchmarkFSMSnapshotPersist(b *testing.B) {
	f := loadedFSM(b)
	b.ReportAllocs()
	for b.Loop() {
		snap, err := f.Snapshot()
		if err != nil {
			b.Fatal(err)
		}
		if err := snap.Persist(&memSink{}); err != nil {
			b.Fatal(err)
		}
	}
	reportOps(b)
}

// BenchmarkFSMRestore restores a snapshot of memoryKeys keys of 16 bytes
// with 100-byte values, the state machine's part of a restart.
func BenchmarkFSMRestore(b *testing.B) {
	src := NewFSM(FSMConfig{})
	value := make([]byte, memoryValueSize)
	for i := range memoryKeys {
		cmd := &Command{Success: []Op{{Kind: OpPut, Key: fmt.Sprintf("key/%012d", i), Value: value}}}
		src.Apply(&raft.Log{Index: uint64(i + 1), Type: raft.LogCommand, Data: EncodeCommand(cmd)})
	}
	data := snapshotBytes(b, src)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := NewFSM(FSMConfig{}).Restore(io.NopCloser(bytes.NewReader(data))); err != nil {
			b.Fatal(err)
		}
	}
}
