package jepsen

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// RecoveryReport is the verdict of Recovery: how long after a fault healed
// the system served its clients again.
type RecoveryReport struct {
	// HealedAt is the history time of the heal, and Bound the longest
	// recovery allowed.
	HealedAt int64
	Bound    time.Duration
	// Clients is the number of clients the history holds, each of which
	// must succeed again after the heal.
	Clients int
	// First is the time from the heal to the first successful answer, and
	// Every the time until every client had one; each is meaningful only
	// when some client, or every one, succeeded after the heal.
	First, Every time.Duration
	// Recovered lists the clients that succeeded after the heal, and
	// Stalled those that never did, each in order of client ID.
	Recovered, Stalled []int
}

// OK reports whether the history holds clients and every one of them
// succeeded again within Bound of the heal.
func (r RecoveryReport) OK() bool {
	return r.Clients > 0 && len(r.Stalled) == 0 && r.Every <= r.Bound
}

// String summarises the report, naming the stalled clients.
func (r RecoveryReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "recovery after the heal at %s (bound %s): ", time.Duration(r.HealedAt).Round(time.Millisecond), r.Bound)
	switch {
	case r.Clients == 0:
		return b.String() + "no client in the history, so it proves nothing"
	case len(r.Recovered) == 0:
		fmt.Fprintf(&b, "none of %d clients succeeded again", r.Clients)
	default:
		fmt.Fprintf(&b, "first success after %s; %d of %d clients succeeded again",
			r.First.Round(time.Millisecond), len(r.Recovered), r.Clients)
	}
	if len(r.Stalled) > 0 {
		fmt.Fprintf(&b, ", stalled clients %v", r.Stalled)
	} else {
		fmt.Fprintf(&b, ", the last after %s", r.Every.Round(time.Millisecond))
	}
	if !r.OK() {
		b.WriteString(": not recovered within the bound")
	}
	return b.String()
}

// Recovery judges how a system recovered after a fault healed at healedAt
// (a time of the history's clock, History.Now). ops are the operations of
// the clients whose recovery counts, failed ones included (History.Ops and
// History.Failed together, each failed one carrying its error); every
// client in ops must succeed again. An operation succeeded when its outcome
// is known and it carries no error (a get that found nothing and a
// compare-and-swap that did not swap are answers too); it shows the system
// serving at its return, so one called before the heal counts if it
// returned at or after it. The report is not OK when a client never
// succeeded after the heal, or when the last of them took longer than
// bound.
func Recovery(ops []Op, healedAt int64, bound time.Duration) RecoveryReport {
	r := RecoveryReport{HealedAt: healedAt, Bound: bound}
	clients, first := firstSuccesses(ops, healedAt)
	r.Clients = len(clients)
	for _, c := range clients {
		t, ok := first[c]
		if !ok {
			r.Stalled = append(r.Stalled, c)
			continue
		}
		took := time.Duration(t - healedAt)
		if len(r.Recovered) == 0 || took < r.First {
			r.First = took
		}
		r.Every = max(r.Every, took)
		r.Recovered = append(r.Recovered, c)
	}
	return r
}

// firstSuccesses returns the clients of ops in order of ID, and the return
// time of each one's first success at or after from.
func firstSuccesses(ops []Op, from int64) ([]int, map[int]int64) {
	var clients []int
	first := map[int]int64{}
	for _, op := range ops {
		if !slices.Contains(clients, op.Client) {
			clients = append(clients, op.Client)
		}
		if t, ok := first[op.Client]; answered(op) && op.Return >= from && (!ok || op.Return < t) {
			first[op.Client] = op.Return
		}
	}
	slices.Sort(clients)
	return clients, first
}

// answered reports whether op's outcome is known and it carries no error.
func answered(op Op) bool { return !op.Unknown && op.Err == "" }
