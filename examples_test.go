package kv_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Every program under examples/ builds, runs to a clean exit and prints the
// line that shows it did its work.
func TestExamplesBuildAndRun(t *testing.T) {
	examples := map[string]string{
		"quickstart":  "cross-partition transaction refused",
		"embedded":    "embedded cluster: ok",
		"cas-counter": "counter = 80\n",
		"failover":    "all 15 events written across the failover are there",
		"balancer":    `greeting = "hello via the balancer"`,
	}
	dirs, err := filepath.Glob("examples/*/main.go")
	require.NoError(t, err)
	require.Len(t, dirs, len(examples), "every example has an expected line here")

	bin := t.TempDir()
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the go command builds the examples")
	build := exec.CommandContext(testContext(t, 5*time.Minute), goTool, "build", "-o", bin+string(os.PathSeparator), "./examples/...")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build ./examples/...: %s", out)

	for name, want := range examples {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			out, err := exec.CommandContext(ctx, filepath.Join(bin, name)).CombinedOutput()
			require.NoError(t, err, "output:\n%s", out)
			require.Contains(t, string(out), want)
		})
	}
}
