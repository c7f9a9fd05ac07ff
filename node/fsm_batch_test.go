package node

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

// batchLogs is a mixed run of entries from index 1: writes, a compare that
// fails, an idempotent retry, a configuration entry, a bad command and a
// group of commands.
func batchLogs() []*raft.Log {
	cmd := func(c *Command) []byte { return EncodeCommand(c) }
	retry := &Command{IdempotencyKey: "r1", Success: []Op{{Kind: OpPut, Key: "b", Value: []byte("x")}}}
	return []*raft.Log{
		{Index: 1, Type: raft.LogCommand, Data: cmd(putCmd("a", "1"))},
		{Index: 2, Type: raft.LogCommand, Data: cmd(retry)},
		{Index: 3, Type: raft.LogConfiguration, Data: raft.EncodeConfiguration(raft.Configuration{})},
		{Index: 4, Type: raft.LogCommand, Data: cmd(casCmd("a", 7, "no"))},
		{Index: 5, Type: raft.LogCommand, Data: cmd(retry)},
		{Index: 6, Type: raft.LogCommand, Data: []byte("\x07garbage")},
		{Index: 7, Type: raft.LogCommand, Data: cmd(deleteCmd("a"))},
		{Index: 8, Type: raft.LogCommand, Data: appendGroup(nil, [][]byte{cmd(putCmd("c", "3")), cmd(retry), []byte("\x07bad")})},
	}
}

// applyOneByOne applies logs as Raft does without batching.
func applyOneByOne(f *FSM, logs []*raft.Log) []any {
	resps := make([]any, len(logs))
	for i, l := range logs {
		if l.Type == raft.LogConfiguration {
			f.StoreConfiguration(l.Index, raft.DecodeConfiguration(l.Data))
			continue
		}
		resps[i] = f.Apply(l)
	}
	return resps
}

func TestFSMApplyBatchMatchesApplyingOneByOne(t *testing.T) {
	batched, single := NewFSM(FSMConfig{}), NewFSM(FSMConfig{})
	got := batched.ApplyBatch(batchLogs())
	want := applyOneByOne(single, batchLogs())

	require.Len(t, got, len(batchLogs()), "one answer per entry")
	require.Equal(t, want, got)
	require.Nil(t, got[2], "a configuration entry answers nil")
	require.ErrorIs(t, got[5].(*ApplyResponse).Err, ErrBadRequest)
	require.Equal(t, got[1], got[4], "the retry answers the first result")
	require.Equal(t, single.Scan("", "", 0), batched.Scan("", "", 0))
	group := got[7].([]*ApplyResponse)
	require.Len(t, group, 3, "a group answers one response per command")
	require.Equal(t, got[1], group[1], "the retry in the group answers the first result")
	require.ErrorIs(t, group[2].Err, ErrBadRequest)
	require.Equal(t, []Entry{entry("b", "x", 2, 2, 1), entry("c", "3", 8, 8, 1)}, batched.Scan("", "", 0))
	require.Equal(t, uint64(8), batched.AppliedIndex())
	require.Equal(t, single.Bytes(), batched.Bytes())
}

func TestFSMApplyBatchWakesWaiters(t *testing.T) {
	f := NewFSM(FSMConfig{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f.WaitApplied(ctx, 7) }()
	f.ApplyBatch(batchLogs())
	require.NoError(t, <-done)
}

func BenchmarkFSMApplyBatch64(b *testing.B) {
	f := loadedFSM(b)
	logs := make([]*raft.Log, 64)
	index := uint64(benchKeys)
	b.ReportAllocs()
	for b.Loop() {
		for i := range logs {
			index++
			logs[i] = &raft.Log{Index: index, Type: raft.LogCommand, Data: EncodeCommand(putCmd(benchKey(int(index)), "value"))}
		}
		f.ApplyBatch(logs)
	}
	b.ReportMetric(float64(b.N*len(logs))/b.Elapsed().Seconds(), "entries/s")
}
