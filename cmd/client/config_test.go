package main

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/clitest"
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
	clitest.RequireRefused(t, parseConfig, []clitest.Refusal{
		{Name: "no endpoints", Args: []string{"-endpoints", " , "}, Message: "-endpoints needs at least one address"},
		{Name: "an empty listen address", Args: []string{"-http", ""}, Message: "-http cannot be empty"},
		{Name: "arguments", Args: []string{"extra"}, Message: "client takes flags only"},
		{Name: "an unknown log level", Args: []string{"-log-level", "loud"}, Message: "invalid value"},
	})
}

func TestParseConfigHelp(t *testing.T) {
	clitest.RequireHelp(t, parseConfig, "-endpoints")
}
