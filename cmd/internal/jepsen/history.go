package jepsen

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"sync"
	"time"
)

// Kind is the kind of a recorded operation.
type Kind string

// The kinds of operation a history holds.
const (
	KindGet    Kind = "get"
	KindPut    Kind = "put"
	KindCAS    Kind = "cas"
	KindDelete Kind = "delete"
)

// Open is the return time of an operation whose outcome is unknown: it may
// take effect at any time after its call, so it stays open to the end of
// the history (porcupine's convention for ambiguous operations).
const Open int64 = math.MaxInt64

// Op is one operation of a history: its input, its output and the times of
// its call and return, in nanoseconds of one monotonic clock.
type Op struct {
	// Client is the ID of the client that ran the operation (from 0).
	Client int    `json:"client"`
	Kind   Kind   `json:"kind"`
	Key    string `json:"key"`
	// Value is the value written by a put or a cas.
	Value string `json:"value,omitempty"`
	// Expected is the value a cas expects the key to hold, unless
	// ExpectAbsent says it expects the key to be absent. ExpectedRevision is
	// the mod revision the cas sent, for the record.
	Expected         string `json:"expected,omitempty"`
	ExpectAbsent     bool   `json:"expect_absent,omitempty"`
	ExpectedRevision uint64 `json:"expected_revision,omitempty"`
	// Output is the value a get read; Found says whether a get found the
	// key or a delete removed one; OK says whether a cas swapped.
	Output string `json:"output,omitempty"`
	Found  bool   `json:"found,omitempty"`
	OK     bool   `json:"ok,omitempty"`
	// Unknown marks an operation whose outcome is unknown; its Return is
	// Open and its outputs mean nothing.
	Unknown bool `json:"unknown,omitempty"`
	// Call and Return are the times of the call and of the answer.
	Call   int64 `json:"call"`
	Return int64 `json:"return"`
	// Err is the error of an operation of unknown outcome, or of one that
	// failed.
	Err string `json:"error,omitempty"`
	// Node is the ID of the node that gave the final answer (kv.CallInfo's
	// Node), when the answer named one.
	Node string `json:"node,omitempty"`
}

// String describes the operation and its outcome in one line.
func (op Op) String() string {
	return fmt.Sprintf("c%d %s", op.Client, describe(op))
}

// History records operations from many goroutines at once. Its clock is
// monotonic and starts at NewHistory.
type History struct {
	start  time.Time
	mu     sync.Mutex
	ops    []Op
	failed []Op
}

// NewHistory returns an empty history whose clock starts now.
func NewHistory() *History {
	return &History{start: time.Now()}
}

// Now reads the history's monotonic clock: nanoseconds since NewHistory.
func (h *History) Now() int64 {
	return time.Since(h.start).Nanoseconds()
}

// Complete records op, called at call, as answered now with the outputs
// op carries.
func (h *History) Complete(op Op, call int64) {
	op.Call, op.Return = call, h.Now()
	h.Add(op)
}

// Indeterminate records op, called at call, as an operation whose outcome
// is unknown because of err: it stays open to the end of the history.
func (h *History) Indeterminate(op Op, call int64, err error) {
	op.Call, op.Return, op.Unknown = call, Open, true
	if err != nil {
		op.Err = err.Error()
	}
	h.Add(op)
}

// Fail records op, called at call, as answered now with err: it certainly
// took no effect, so it stays out of Ops and only Failed returns it.
func (h *History) Fail(op Op, call int64, err error) {
	op.Call, op.Return = call, h.Now()
	if err != nil {
		op.Err = err.Error()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failed = append(h.failed, op)
}

// Failed returns a copy of the operations recorded by Fail, in the order
// they were recorded.
func (h *History) Failed() []Op {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.failed)
}

// Add records op as it is, times included.
func (h *History) Add(op Op) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ops = append(h.ops, op)
}

// Len returns the number of operations recorded so far.
func (h *History) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.ops)
}

// Ops returns a copy of the recorded operations in order of call.
func (h *History) Ops() []Op {
	h.mu.Lock()
	ops := slices.Clone(h.ops)
	h.mu.Unlock()
	slices.SortStableFunc(ops, func(a, b Op) int { return cmp.Compare(a.Call, b.Call) })
	return ops
}

// Counts returns how many operations had a known outcome and how many an
// unknown one.
func Counts(ops []Op) (known, unknown int) {
	for _, op := range ops {
		if op.Unknown {
			unknown++
		} else {
			known++
		}
	}
	return known, unknown
}

// WriteHistory writes ops as indented JSON to path.
func WriteHistory(path string, ops []Op) error {
	data, err := json.MarshalIndent(ops, "", "  ")
	if err != nil {
		return fmt.Errorf("encode history: %w", err)
	}
	return os.WriteFile(path, data, 0o644)
}

// ReadHistory reads a history that WriteHistory wrote, to check it again.
func ReadHistory(path string) ([]Op, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ops []Op
	if err := json.Unmarshal(data, &ops); err != nil {
		return nil, fmt.Errorf("decode history %s: %w", path, err)
	}
	return ops, nil
}
