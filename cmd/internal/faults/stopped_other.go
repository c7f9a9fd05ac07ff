//go:build unix && !linux

package faults

import "time"

// waitStopped cannot observe the stop without /proc: SIGSTOP takes effect
// shortly after it is sent.
func waitStopped(pid int, timeout time.Duration) error { return nil }
