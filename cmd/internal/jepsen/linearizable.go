package jepsen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

// Result is the verdict of CheckLinearizable.
type Result struct {
	// Outcome is porcupine's verdict: Ok, Illegal, or Unknown when the check
	// timed out.
	Outcome porcupine.CheckResult
	// Ops and Unknown count the operations checked and those of unknown
	// outcome among them.
	Ops, Unknown int
	// Visualization and History are the paths of porcupine's HTML
	// visualisation and of the history as JSON, written when the check did
	// not pass; empty otherwise.
	Visualization, History string
}

// OK reports whether the history was found linearizable. A check that timed
// out is not OK: it proved nothing.
func (r Result) OK() bool { return r.Outcome == porcupine.Ok }

// String summarises the verdict and says where the evidence is.
func (r Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "linearizability %s over %d operations (%d of unknown outcome)", r.Outcome, r.Ops, r.Unknown)
	if r.Visualization != "" {
		fmt.Fprintf(&b, "; visualisation %s; history %s", r.Visualization, r.History)
	}
	return b.String()
}

// CheckLinearizable checks history against RegisterModel, key by key, for
// at most timeout (which must be positive). When the history is not found
// linearizable, including when the check times out, it writes the
// visualisation and the history into dir and returns their paths in the
// Result. The error reports only a failure to write them.
func CheckLinearizable(history []Op, timeout time.Duration, dir string) (Result, error) {
	if timeout <= 0 {
		return Result{}, fmt.Errorf("timeout (%s) must be positive", timeout)
	}
	model := RegisterModel()
	outcome, info := porcupine.CheckOperationsVerbose(model, toPorcupine(history), timeout)
	known, unknown := Counts(history)
	r := Result{Outcome: outcome, Ops: known + unknown, Unknown: unknown}
	if r.OK() {
		return r, nil
	}
	return r, r.save(model, info, history, dir)
}

// save writes the visualisation and the history into dir.
func (r *Result) save(model porcupine.Model, info porcupine.LinearizationInfo, history []Op, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("artifact directory: %w", err)
	}
	r.Visualization = filepath.Join(dir, "linearizability.html")
	r.History = filepath.Join(dir, "history.json")
	if err := porcupine.VisualizePath(model, info, r.Visualization); err != nil {
		return fmt.Errorf("write visualisation: %w", err)
	}
	return WriteHistory(r.History, history)
}

// toPorcupine converts a history to porcupine's operations. An operation of
// unknown outcome gets a client ID of its own, after every real client's, as
// Jepsen gives a crashed process a new one, so that its open interval does
// not overlap its client's later operations in the visualisation.
func toPorcupine(history []Op) []porcupine.Operation {
	next := 0
	for _, op := range history {
		next = max(next, op.Client+1)
	}
	ops := make([]porcupine.Operation, len(history))
	for i, op := range history {
		client := op.Client
		if op.Unknown {
			client, next = next, next+1
		}
		ops[i] = porcupine.Operation{ClientId: client, Input: op, Output: op, Call: op.Call, Return: op.Return}
	}
	return ops
}

// ArtifactDir is the directory where a run named name saves its evidence
// if a check fails: JEPSEN_ARTIFACTS/name when that environment variable is
// set, otherwise treekv-jepsen/name under the system's temporary directory,
// so that it outlives the test. Nothing is created until a check fails.
func ArtifactDir(name string) string {
	root := os.Getenv("JEPSEN_ARTIFACTS")
	if root == "" {
		root = filepath.Join(os.TempDir(), "treekv-jepsen")
	}
	return filepath.Join(root, name)
}
