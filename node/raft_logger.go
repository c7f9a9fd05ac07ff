package node

import (
	"io"
	"log/slog"
	"strings"

	"github.com/hashicorp/go-hclog"
)

// newRaftLogger adapts slog for hashicorp/raft, which logs through hclog.
// Only warnings and errors pass, and the ones that are routine for a node
// hosting many groups (joining before a leader calls, connections closed at
// shutdown) drop to debug.
func newRaftLogger(logger *slog.Logger) hclog.Logger {
	var out io.Writer = io.Discard
	if logger != nil {
		out = slogWriter{logger}
	}
	return hclog.New(&hclog.LoggerOptions{
		Name:        "raft",
		Level:       hclog.Warn,
		Output:      out,
		DisableTime: true,
	})
}

// routineRaftLogs are fragments of Raft warnings and errors that happen in
// normal operation.
var routineRaftLogs = []string{
	"no known peers",
	"appendEntries rejected",
	"failed to get previous log",
	"use of closed network connection",
	"raft is already shutdown",
	"failed to decode incoming command",
	"connection reset by peer",
	"EOF",
}

// slogWriter turns each line hclog writes into one slog record.
type slogWriter struct{ logger *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	line := strings.TrimSpace(string(p))
	switch {
	case isRoutine(line):
		w.logger.Debug(line)
	case strings.Contains(line, "[ERROR]"):
		w.logger.Error(line)
	default:
		w.logger.Warn(line)
	}
	return len(p), nil
}

func isRoutine(line string) bool {
	for _, s := range routineRaftLogs {
		if strings.Contains(line, s) {
			return true
		}
	}
	return false
}
