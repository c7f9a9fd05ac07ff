package main

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseProcStat(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		want    time.Duration
		wantErr bool
	}{
		{"plain", "42 (etcd) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 12 0 100 0 0", 3 * time.Second, false},
		{"name with spaces and parens", "7 (my (odd) name) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 5 0 0", 70 * time.Millisecond, false},
		{"no name", "7 R 1", 0, true},
		{"short", "7 (x) R 1 2 3", 0, true},
		{"not a number", "7 (x) R 1 7 7 0 -1 0 0 0 0 0 ab 4 0", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseProcStat(tt.line)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCPUMeterSamplesThisProcess(t *testing.T) {
	m := cpuMeter{pids: []int{os.Getpid()}}
	before, err := m.sample()
	require.NoError(t, err)
	spin(50 * time.Millisecond)
	after, err := m.sample()
	require.NoError(t, err)
	assert.Greater(t, after.client, before.client, "getrusage counts the work")
	assert.Greater(t, after.server, before.server, "/proc/PID/stat counts the work")
}

func TestCPUMeterReportsAMissingProcess(t *testing.T) {
	_, err := cpuMeter{pids: []int{1 << 30}}.sample()
	require.Error(t, err)
}

// spin keeps the CPU busy for at least d of CPU time.
func spin(d time.Duration) {
	start, _ := selfCPU()
	for {
		if now, _ := selfCPU(); now-start >= d {
			return
		}
	}
}
