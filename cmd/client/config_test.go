package main

import (
	"bytes"
	"flag"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want config
	}{
		{"defaults: the balancer of the all-in-one setup", nil,
			config{httpAddr: "127.0.0.1:8082", endpoints: []string{"localhost:8081"}, logLevel: slog.LevelInfo}},
		{"several endpoints, blanks dropped",
			[]string{"-endpoints", " http://n1:9001, n2:9002,,", "-http", ":0", "-log-level", "debug"},
			config{httpAddr: ":0", endpoints: []string{"http://n1:9001", "n2:9002"}, logLevel: slog.LevelDebug}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConfig(tt.args, &bytes.Buffer{})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseConfigRefuses(t *testing.T) {
	tests := []struct {
		name, stderr string
		args         []string
	}{
		{"no endpoints", "-endpoints needs at least one address", []string{"-endpoints", " , "}},
		{"an empty listen address", "-http cannot be empty", []string{"-http", ""}},
		{"arguments", "client takes flags only", []string{"extra"}},
		{"an unknown log level", "invalid value", []string{"-log-level", "loud"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			_, err := parseConfig(tt.args, &stderr)
			require.Error(t, err)
			assert.Contains(t, stderr.String(), tt.stderr)
		})
	}
}

func TestParseConfigHelp(t *testing.T) {
	var stderr bytes.Buffer
	_, err := parseConfig([]string{"-h"}, &stderr)
	require.ErrorIs(t, err, flag.ErrHelp)
	assert.Contains(t, stderr.String(), "-endpoints")
}
