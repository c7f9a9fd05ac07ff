package jepsen

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Synthetic histories for Recovery, in milliseconds of the history clock.
const recMs = int64(time.Millisecond)

// answer is an operation of client answered without error.
func recAnswer(client int, call, ret int64) Op {
	return Op{Client: client, Kind: KindGet, Key: "k", Call: call * recMs, Return: ret * recMs}
}

// failure is an operation of client that failed.
func recFailure(client int, call, ret int64) Op {
	op := recAnswer(client, call, ret)
	op.Err = "unavailable"
	return op
}

// unknown is a write of client whose outcome is unknown.
func recUnknown(client int, call int64) Op {
	return Op{Client: client, Kind: KindPut, Key: "k", Value: "v", Unknown: true, Err: "deadline exceeded",
		Call: call * recMs, Return: Open}
}

func TestRecovery(t *testing.T) {
	const healedAt = 1000 // milliseconds
	tests := []struct {
		name               string
		ops                []Op
		bound              time.Duration
		ok                 bool
		first, every       time.Duration
		recovered, stalled []int
	}{
		{name: "every client answered soon after the heal", bound: time.Second, ok: true,
			ops:   []Op{recAnswer(0, 900, 950), recFailure(1, 500, 990), recAnswer(0, 1010, 1020), recAnswer(1, 1000, 1300)},
			first: 20 * time.Millisecond, every: 300 * time.Millisecond, recovered: []int{0, 1}},
		{name: "a call before the heal answered after it counts", bound: time.Second, ok: true,
			ops:   []Op{recAnswer(0, 800, 1100)},
			first: 100 * time.Millisecond, every: 100 * time.Millisecond, recovered: []int{0}},
		{name: "an answer at the heal itself counts", bound: 0, ok: true,
			ops:       []Op{recAnswer(0, 900, 1000)},
			recovered: []int{0}},
		{name: "the last client past the bound", bound: time.Second,
			ops:   []Op{recAnswer(0, 1000, 1100), recFailure(1, 1000, 1900), recAnswer(1, 1900, 2500)},
			first: 100 * time.Millisecond, every: 1500 * time.Millisecond, recovered: []int{0, 1}},
		{name: "a client that never succeeded after the heal stalls", bound: time.Minute,
			ops:   []Op{recAnswer(2, 0, 10), recAnswer(0, 1000, 1100), recFailure(2, 1000, 3000), recUnknown(2, 3000)},
			first: 100 * time.Millisecond, every: 100 * time.Millisecond, recovered: []int{0}, stalled: []int{2}},
		{name: "answers before the heal do not count", bound: time.Minute,
			ops:     []Op{recAnswer(0, 100, 200), recAnswer(1, 900, 999)},
			stalled: []int{0, 1}},
		{name: "unknown and failed operations are no success", bound: time.Minute,
			ops:     []Op{recUnknown(0, 1100), recFailure(1, 1100, 1200)},
			stalled: []int{0, 1}},
		{name: "no client proves nothing", bound: time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Recovery(tt.ops, healedAt*recMs, tt.bound)
			require.Equal(t, tt.ok, r.OK(), "%s", r)
			require.Equal(t, tt.recovered, r.Recovered)
			require.Equal(t, tt.stalled, r.Stalled)
			require.Equal(t, len(tt.recovered)+len(tt.stalled), r.Clients)
			if len(tt.recovered) > 0 {
				require.Equal(t, tt.first, r.First)
				require.Equal(t, tt.every, r.Every)
			}
		})
	}
}

func TestRecoveryReportSaysWhatHappened(t *testing.T) {
	tests := []struct {
		name  string
		ops   []Op
		bound time.Duration
		want  []string
	}{
		{name: "recovered", ops: []Op{recAnswer(0, 1000, 1250), recAnswer(1, 1000, 1500)}, bound: time.Second,
			want: []string{"heal at 1s (bound 1s)", "first success after 250ms", "2 of 2 clients succeeded again", "the last after 500ms"}},
		{name: "too slow", ops: []Op{recAnswer(0, 1000, 2500)}, bound: time.Second,
			want: []string{"the last after 1.5s", "not recovered within the bound"}},
		{name: "stalled", ops: []Op{recAnswer(0, 1000, 1100), recFailure(3, 1000, 1200)}, bound: time.Second,
			want: []string{"1 of 2 clients succeeded again", "stalled clients [3]", "not recovered"}},
		{name: "none", ops: []Op{recFailure(0, 1000, 1200)}, bound: time.Second,
			want: []string{"none of 1 clients succeeded again", "stalled clients [0]"}},
		{name: "empty", bound: time.Second, want: []string{"no client in the history, so it proves nothing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Recovery(tt.ops, 1000*recMs, tt.bound).String()
			for _, want := range tt.want {
				require.Contains(t, s, want)
			}
		})
	}
}

// The report of a real history: clients that fail while a fault lasts and
// succeed once it heals.
func TestRecoveryOnARecordedHistory(t *testing.T) {
	h := NewHistory()
	h.Complete(Op{Client: 0, Kind: KindGet, Key: "k"}, h.Now())
	h.Fail(Op{Client: 1, Kind: KindGet, Key: "k"}, h.Now(), errors.New("unavailable"))
	healedAt := h.Now()
	require.False(t, Recovery(append(h.Ops(), h.Failed()...), healedAt, time.Minute).OK())
	h.Complete(Op{Client: 1, Kind: KindGet, Key: "k"}, h.Now())
	h.Complete(Op{Client: 0, Kind: KindGet, Key: "k"}, h.Now())
	r := Recovery(append(h.Ops(), h.Failed()...), healedAt, time.Minute)
	require.True(t, r.OK(), "%s", r)
	require.Equal(t, []int{0, 1}, r.Recovered)
	require.LessOrEqual(t, r.First, r.Every)
}
