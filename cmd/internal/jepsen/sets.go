package jepsen

import (
	"fmt"
	"slices"
	"strings"
)

// SetReport is the verdict of CheckSet on an insert-only workload.
type SetReport struct {
	// Lost are acknowledged inserts missing from the final read.
	Lost []string
	// Phantom are keys present that no insert ever attempted.
	Phantom []string
	// Duplicated are keys whose version shows they were written more than
	// once, though each was inserted once.
	Duplicated []string
	// Acked, Unknown and Present count the acknowledged inserts, the
	// inserts of unknown outcome and the keys of the final read;
	// UnknownPresent counts the unknown inserts that did apply.
	Acked, Unknown, Present, UnknownPresent int
}

// OK reports whether no acknowledged key was lost, nothing unattempted
// appeared and nothing was applied twice.
func (r SetReport) OK() bool {
	return len(r.Lost) == 0 && len(r.Phantom) == 0 && len(r.Duplicated) == 0
}

// String summarises the report, naming the offending keys.
func (r SetReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "set: %d acknowledged, %d unknown (%d of them applied), %d present",
		r.Acked, r.Unknown, r.UnknownPresent, r.Present)
	for _, bad := range []struct {
		what string
		keys []string
	}{{"lost", r.Lost}, {"phantom", r.Phantom}, {"applied more than once", r.Duplicated}} {
		if len(bad.keys) > 0 {
			fmt.Fprintf(&b, "; %d %s: %q", len(bad.keys), bad.what, bad.keys)
		}
	}
	return b.String()
}

// CheckSet judges an insert-only workload: acked are the inserts the
// system acknowledged, unknown those whose outcome is unknown, and final
// maps every key the final read found to its version (writes since it was
// created). Every acknowledged key must be present, every present key must
// have been attempted, and every version must be 1. Keys in each list of
// the report are sorted.
func CheckSet(acked, unknown []string, final map[string]uint64) SetReport {
	r := SetReport{Acked: len(acked), Unknown: len(unknown), Present: len(final)}
	attempted := make(map[string]bool, len(acked)+len(unknown))
	for _, k := range acked {
		attempted[k] = true
		if _, ok := final[k]; !ok {
			r.Lost = append(r.Lost, k)
		}
	}
	for _, k := range unknown {
		attempted[k] = true
		if _, ok := final[k]; ok {
			r.UnknownPresent++
		}
	}
	for k, version := range final {
		if !attempted[k] {
			r.Phantom = append(r.Phantom, k)
		}
		if version > 1 {
			r.Duplicated = append(r.Duplicated, k)
		}
	}
	slices.Sort(r.Lost)
	slices.Sort(r.Phantom)
	slices.Sort(r.Duplicated)
	return r
}
