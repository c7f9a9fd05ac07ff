package main

import (
	"bytes"
	"flag"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
)

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := parseConfig(nil, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, config{
		httpAddr: "127.0.0.1:8081",
		balancer: kv.BalancerConfig{
			Controller: "http://localhost:8080", Policy: kv.PolicyRoundRobin, CheckInterval: time.Second,
			Rise: 2, Fall: 3, EjectBase: time.Second, EjectMax: 30 * time.Second, MaxRetries: 2,
			RetryBudget: 5 * time.Second,
		},
		logLevel: slog.LevelInfo,
	}, cfg)
}

func TestParseConfigFlags(t *testing.T) {
	args := []string{"-http", "0.0.0.0:9999", "-controller", "", "-backends", "h1:9001, http://h2:9002,",
		"-policy", "leader-aware", "-check-interval", "50ms", "-rise", "1", "-fall", "1",
		"-eject-base", "100ms", "-eject-max", "2s", "-max-retries", "5", "-retry-budget", "-1s",
		"-log-level", "debug"}
	cfg, err := parseConfig(args, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, config{
		httpAddr: "0.0.0.0:9999",
		balancer: kv.BalancerConfig{
			Backends: []string{"h1:9001", "http://h2:9002"}, Policy: kv.PolicyLeaderAware,
			CheckInterval: 50 * time.Millisecond, Rise: 1, Fall: 1, EjectBase: 100 * time.Millisecond,
			EjectMax: 2 * time.Second, MaxRetries: 5, RetryBudget: -time.Second,
		},
		logLevel: slog.LevelDebug,
	}, cfg)
}

func TestParseConfigRejects(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no backends and no controller", []string{"-controller", ""}, "-controller is empty and -backends names no node"},
		{"unknown policy", []string{"-policy", "random"}, `Policy "random" is unknown`},
		{"zero-less rise", []string{"-rise", "-1"}, "Rise (-1) and Fall (3) must be at least 1"},
		{"eject max below base", []string{"-eject-base", "2s", "-eject-max", "1s"}, "EjectMax (1s) cannot be shorter than EjectBase (2s)"},
		{"bad backend", []string{"-backends", "ftp://h:1"}, `has scheme "ftp"`},
		{"bad controller", []string{"-controller", "http://h:1/path"}, "must be a base URL"},
		{"an argument", []string{"extra"}, "takes flags only"},
		{"unknown flag", []string{"-nope"}, "flag provided but not defined: -nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			_, err := parseConfig(tt.args, &stderr)
			require.Error(t, err)
			assert.Contains(t, stderr.String(), tt.want)
		})
	}
}

func TestParseConfigHelp(t *testing.T) {
	var stderr bytes.Buffer
	_, err := parseConfig([]string{"-h"}, &stderr)
	require.ErrorIs(t, err, flag.ErrHelp)
	assert.Contains(t, stderr.String(), "-policy")
}
