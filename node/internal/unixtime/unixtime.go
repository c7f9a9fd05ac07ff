// Package unixtime stores times as nanoseconds since the Unix epoch, the
// form the node's logs and wire formats carry them in.
package unixtime

import "time"

// Encode returns t as nanoseconds since the Unix epoch; the zero Time is 0
// (so a time of exactly the epoch decodes as the zero Time).
func Encode(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// Decode returns the time Encode encoded as n: the zero Time for 0.
func Decode(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}
