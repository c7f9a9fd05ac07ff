package node

import (
	"io"
	"log/slog"
	"strings"

	"github.com/hashicorp/go-hclog"
)

// newRaftLogger adapts slog for hashicorp/raft, which logs through hclog.
// Only warnings and errors pass: Raft's info logs are too chatty for a node
// hosting many groups.
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

// slogWriter turns each line hclog writes into one slog record.
type slogWriter struct{ logger *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	line := strings.TrimSpace(string(p))
	if strings.Contains(line, "[ERROR]") {
		w.logger.Error(line)
	} else {
		w.logger.Warn(line)
	}
	return len(p), nil
}
