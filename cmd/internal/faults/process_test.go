//go:build unix

package faults

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func shell(t *testing.T, script string) *Process {
	t.Helper()
	sh, err := exec.LookPath("sh")
	require.NoError(t, err)
	p, err := StartProcess(t, ProcessConfig{Name: "sh", Binary: sh, Args: []string{"-c", script}})
	require.NoError(t, err)
	return p
}

func TestProcessWaitReportsExitAndRestartReruns(t *testing.T) {
	p := shell(t, "echo ran; exit 3")
	ctx, cancel := context.WithTimeout(t.Context(), ioTimeout)
	defer cancel()
	var exit *exec.ExitError
	require.ErrorAs(t, p.Wait(ctx), &exit)
	require.Equal(t, 3, exit.ExitCode())

	require.NoError(t, p.Restart())
	require.ErrorAs(t, p.Wait(ctx), &exit)
	log, err := os.ReadFile(p.LogPath())
	require.NoError(t, err)
	require.Equal(t, "ran\nran\n", string(log), "restarts append to one log")
}

func TestProcessSignals(t *testing.T) {
	tests := []struct {
		name   string
		act    func(ctx context.Context, p *Process) error
		signal string // how the run ended
	}{
		{"kill", func(_ context.Context, p *Process) error { return p.Kill() }, "killed"},
		{"stop", func(ctx context.Context, p *Process) error { return p.Stop(ctx) }, "terminated"},
		{"stop while paused", func(ctx context.Context, p *Process) error {
			require.NoError(t, p.Pause())
			return p.Stop(ctx)
		}, "terminated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := shell(t, "exec sleep 60")
			ctx, cancel := context.WithTimeout(t.Context(), ioTimeout)
			defer cancel()
			actErr := tt.act(ctx, p)
			waitErr := p.Wait(ctx)
			require.ErrorContains(t, waitErr, tt.signal)
			if actErr != nil {
				require.Equal(t, waitErr, actErr, "only the run's own exit may fail the call")
			}
		})
	}
}

func TestProcessWaitHonoursContext(t *testing.T) {
	p := shell(t, "exec sleep 60")
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, p.Wait(ctx), context.DeadlineExceeded)
	require.NoError(t, p.Kill())
}
