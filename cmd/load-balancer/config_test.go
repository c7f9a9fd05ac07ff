package main

import (
	"bytes"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/clitest"
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
	clitest.RequireRefused(t, parseConfig, []clitest.Refusal{
		{Name: "no backends and no controller", Args: []string{"-controller", ""}, Message: "-controller is empty and -backends names no node"},
		{Name: "unknown policy", Args: []string{"-policy", "random"}, Message: `Policy "random" is unknown`},
		{Name: "zero-less rise", Args: []string{"-rise", "-1"}, Message: "Rise (-1) and Fall (3) must be at least 1"},
		{Name: "eject max below base", Args: []string{"-eject-base", "2s", "-eject-max", "1s"}, Message: "EjectMax (1s) cannot be shorter than EjectBase (2s)"},
		{Name: "bad backend", Args: []string{"-backends", "ftp://h:1"}, Message: `has scheme "ftp"`},
		{Name: "bad controller", Args: []string{"-controller", "http://h:1/path"}, Message: "must be a base URL"},
		{Name: "an argument", Args: []string{"extra"}, Message: "takes flags only"},
		{Name: "unknown flag", Args: []string{"-nope"}, Message: "flag provided but not defined: -nope"},
	})
}

func TestParseConfigHelp(t *testing.T) {
	clitest.RequireHelp(t, parseConfig, "-policy")
}
