//go:build unix

package faults

import (
	"bytes"
	"os"
	"testing"
)

// reportLines is how many of its log's last lines a failed test shows of
// each process: the log itself goes with the test's temporary directory.
const reportLines = 40

// report logs how the process's last run ended and the tail of its log,
// for a test that failed.
func (p *Process) report(tb testing.TB, r *run, exitedEarly bool) {
	state := "running when the test ended"
	if exitedEarly {
		state = "exited before the test ended: " + exitStatus(r.err)
	}
	tail, err := logTail(p.cfg.LogPath, reportLines)
	if err != nil {
		tb.Logf("process %s: %s; its log: %v", p.cfg.Name, state, err)
		return
	}
	tb.Logf("process %s: %s; the last lines of its log:\n%s", p.cfg.Name, state, tail)
}

func exitStatus(err error) string {
	if err == nil {
		return "status 0"
	}
	return err.Error()
}

// logTail returns the last n lines of the file at path.
func logTail(path string, n int) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimRight(b, "\n")
	start := len(b)
	for range n {
		i := bytes.LastIndexByte(b[:start], '\n')
		if i < 0 {
			return b, nil
		}
		start = i
	}
	return b[start+1:], nil
}
