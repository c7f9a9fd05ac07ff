package jepsen

import (
	"os"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/require"
)

const checkTimeout = 10 * time.Second

func put(client int, key, value string, call, ret int64) Op {
	return Op{Client: client, Kind: KindPut, Key: key, Value: value, Call: call, Return: ret}
}

func get(client int, key, value string, call, ret int64) Op {
	return Op{Client: client, Kind: KindGet, Key: key, Output: value, Found: true, Call: call, Return: ret}
}

func getAbsent(client int, key string, call, ret int64) Op {
	return Op{Client: client, Kind: KindGet, Key: key, Call: call, Return: ret}
}

func cas(client int, key, expected, value string, ok bool, call, ret int64) Op {
	return Op{Client: client, Kind: KindCAS, Key: key, Expected: expected, Value: value, OK: ok, Call: call, Return: ret}
}

func del(client int, key string, found bool, call, ret int64) Op {
	return Op{Client: client, Kind: KindDelete, Key: key, Found: found, Call: call, Return: ret}
}

// unknown turns op into an operation of unknown outcome, open to the end.
func unknown(op Op) Op {
	op.Unknown, op.Return = true, Open
	op.Found, op.OK, op.Output = false, false, ""
	return op
}

func TestCheckLinearizable(t *testing.T) {
	tests := []struct {
		name    string
		history []Op
		ok      bool
	}{
		{"read after write", []Op{put(0, "x", "a", 0, 10), get(1, "x", "a", 20, 30)}, true},
		{"read concurrent with a write sees the old state",
			[]Op{put(0, "x", "a", 0, 30), getAbsent(1, "x", 10, 20)}, true},
		{"stale read after a completed write",
			[]Op{put(0, "x", "a", 0, 10), getAbsent(1, "x", 20, 30)}, false},
		{"lost write", []Op{put(0, "x", "a", 0, 10), put(1, "x", "b", 20, 30), get(2, "x", "a", 40, 50)}, false},
		{"cas swaps once", []Op{put(0, "x", "a", 0, 10),
			cas(1, "x", "a", "b", true, 20, 50), cas(2, "x", "a", "c", false, 20, 50), get(0, "x", "b", 60, 70)}, true},
		{"cas succeeds twice on the same expected value", []Op{put(0, "x", "a", 0, 10),
			cas(1, "x", "a", "b", true, 20, 50), cas(2, "x", "a", "c", true, 20, 50)}, false},
		{"cas expecting absence", []Op{
			{Client: 0, Kind: KindCAS, Key: "x", ExpectAbsent: true, Value: "a", OK: true, Call: 0, Return: 10},
			get(1, "x", "a", 20, 30)}, true},
		{"delete removes the key", []Op{put(0, "x", "a", 0, 10), del(1, "x", true, 20, 30),
			getAbsent(0, "x", 40, 50), del(1, "x", false, 60, 70)}, true},
		{"delete of a present key reports it absent", []Op{put(0, "x", "a", 0, 10), del(1, "x", false, 20, 30)}, false},
		{"ambiguous write that applied", []Op{unknown(put(0, "x", "a", 0, 0)), get(1, "x", "a", 20, 30)}, true},
		{"ambiguous write that did not apply", []Op{unknown(put(0, "x", "a", 0, 0)), getAbsent(1, "x", 20, 30),
			getAbsent(1, "x", 40, 50)}, true},
		{"ambiguous write applied late", []Op{unknown(put(0, "x", "a", 0, 0)), getAbsent(1, "x", 20, 30),
			get(1, "x", "a", 40, 50)}, true},
		{"ambiguous write seen then unseen", []Op{unknown(put(0, "x", "a", 0, 0)), get(1, "x", "a", 20, 30),
			getAbsent(1, "x", 40, 50)}, false},
		{"ambiguous cas either way", []Op{put(0, "x", "a", 0, 10), unknown(cas(0, "x", "a", "b", false, 20, 0)),
			get(1, "x", "a", 30, 40), get(1, "x", "b", 50, 60)}, true},
		{"ambiguous delete either way", []Op{put(0, "x", "a", 0, 10), unknown(del(0, "x", false, 20, 0)),
			get(1, "x", "a", 30, 40), getAbsent(1, "x", 50, 60)}, true},
		{"keys are independent", []Op{put(0, "x", "a", 0, 10), put(1, "y", "b", 0, 10),
			get(0, "y", "b", 20, 30), get(1, "x", "a", 20, 30)}, true},
		{"a violation on one key of many", []Op{put(0, "x", "a", 0, 10), put(1, "y", "b", 0, 10),
			get(0, "y", "b", 20, 30), getAbsent(1, "x", 20, 30)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			r, err := CheckLinearizable(tt.history, checkTimeout, dir)
			require.NoError(t, err)
			require.Equal(t, tt.ok, r.OK(), "%s", r)
			if tt.ok {
				require.Empty(t, r.Visualization)
				return
			}
			require.Equal(t, porcupine.Illegal, r.Outcome)
			requireEvidence(t, r, tt.history)
		})
	}
}

// requireEvidence checks that a failed check saved the visualisation and
// the history it judged.
func requireEvidence(t *testing.T, r Result, history []Op) {
	t.Helper()
	html, err := os.ReadFile(r.Visualization)
	require.NoError(t, err)
	require.Contains(t, string(html), "<html")
	saved, err := ReadHistory(r.History)
	require.NoError(t, err)
	require.Equal(t, history, saved)
}

func TestCheckLinearizableRefusesNoTimeout(t *testing.T) {
	_, err := CheckLinearizable(nil, 0, t.TempDir())
	require.ErrorContains(t, err, "timeout")
}

func TestResultTimedOutIsNotOK(t *testing.T) {
	require.False(t, Result{Outcome: porcupine.Unknown}.OK())
	require.False(t, Result{Outcome: porcupine.Illegal}.OK())
	require.True(t, Result{Outcome: porcupine.Ok}.OK())
}

func TestUnknownOperationsGetClientsOfTheirOwn(t *testing.T) {
	ops := toPorcupine([]Op{put(0, "x", "a", 0, 10), unknown(put(1, "x", "b", 5, 0)), unknown(put(1, "x", "c", 6, 0))})
	ids := []int{ops[0].ClientId, ops[1].ClientId, ops[2].ClientId}
	require.Equal(t, []int{0, 2, 3}, ids)
	require.Equal(t, Open, ops[1].Return)
}
