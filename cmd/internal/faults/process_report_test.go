//go:build unix

package faults

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// logRecorder is a testing.TB that keeps what is logged to it.
type logRecorder struct {
	testing.TB
	logs []string
}

func (r *logRecorder) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

func TestProcessReportShowsExitAndLogTail(t *testing.T) {
	p := shell(t, "for i in $(seq 1 50); do echo line $i; done; exit 3")
	ctx, cancel := context.WithTimeout(t.Context(), ioTimeout)
	defer cancel()
	require.Error(t, p.Wait(ctx))

	rec := &logRecorder{TB: t}
	p.report(rec, p.current(), true)
	require.Len(t, rec.logs, 1)
	out := rec.logs[0]
	require.Contains(t, out, "exited before the test ended: exit status 3")
	require.Contains(t, out, "line 11\n")
	require.True(t, strings.HasSuffix(out, "line 50"), out)
	require.NotContains(t, out, "line 10\n", "only the last %d lines", reportLines)
}

func TestLogTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	tests := []struct{ content, want string }{
		{"", ""},
		{"a\n", "a"},
		{"a\nb\nc\n", "b\nc"},
		{"a\nb\nc", "b\nc"},
		{"b\nc\n", "b\nc"},
	}
	for _, tt := range tests {
		require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o644))
		got, err := logTail(path, 2)
		require.NoError(t, err)
		require.Equal(t, tt.want, string(got), "content %q", tt.content)
	}
	_, err := logTail(filepath.Join(t.TempDir(), "missing"), 2)
	require.Error(t, err)
}
