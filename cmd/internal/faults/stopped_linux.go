package faults

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// stopPollInterval is how often waitStopped looks at the threads' states.
const stopPollInterval = time.Millisecond

// waitStopped waits until every thread of pid is stopped, since SIGSTOP
// takes effect asynchronously: a thread running on another core may still
// answer a request after kill(2) returns. It gives up after timeout, or at
// once if the process is gone.
func waitStopped(pid int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		stopped, err := allStopped(pid)
		if err != nil || stopped {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("process %d not stopped after %s", pid, timeout)
		}
		time.Sleep(stopPollInterval) // polling the kernel's view, with a deadline
	}
}

// allStopped reads the state field of /proc/PID/task/*/stat and reports
// whether no thread can run.
func allStopped(pid int) (bool, error) {
	stats, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
	if err != nil || len(stats) == 0 {
		return false, fmt.Errorf("process %d: no threads found", pid)
	}
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			return false, err
		}
		// The state follows the command name, which is in parentheses.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 || i+2 >= len(b) {
			return false, fmt.Errorf("%s: malformed", path)
		}
		// T: stopped; t: traced; Z, X: dead, which answers nothing either.
		if state := b[i+2]; !bytes.ContainsRune([]byte("TtZX"), rune(state)) {
			return false, nil
		}
	}
	return true, nil
}
