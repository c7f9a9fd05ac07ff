package local

import (
	"flag"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRegisterFlags(t *testing.T) {
	var cfg Config
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg.RegisterFlags(fs, "nodes")
	require.NoError(t, fs.Parse(nil))
	assert.Equal(t, Config{Host: "127.0.0.1", HTTPBasePort: 9001, RaftBasePort: 9101, Nodes: 3,
		Partitions: 8, Replicas: 3, DataDir: "treekv-data"}, cfg)
}

func TestValidate(t *testing.T) {
	valid := Config{Nodes: 3, Partitions: 8, Replicas: 3, HTTPBasePort: 9001, RaftBasePort: 9101}
	tests := []struct {
		name    string
		change  func(*Config)
		message string // empty: valid
	}{
		{"the defaults", func(*Config) {}, ""},
		{"no nodes: they run elsewhere", func(c *Config) { c.Nodes = 0 }, ""},
		{"negative nodes", func(c *Config) { c.Nodes = -1 }, "-nodes (-1) cannot be negative"},
		{"no replicas", func(c *Config) { c.Replicas = 0 }, "-replicas (0) must be at least 1"},
		{"more replicas than nodes", func(c *Config) { c.Nodes = 2 }, "-replicas (3) must be from 1 to -nodes (2)"},
		{"no partitions", func(c *Config) { c.Partitions = 0 }, "-partitions (0) must be at least 1"},
		{"ports past 65535", func(c *Config) { c.HTTPBasePort = 65534 }, "-http-base-port (65534) leaves no room for 3 ports"},
		{"negative port", func(c *Config) { c.RaftBasePort = -1 }, "-raft-base-port (-1)"},
		{"a balancer and a UI", func(c *Config) { c.BalancerAddr, c.UIAddr = "127.0.0.1:0", "127.0.0.1:0" }, ""},
		{"a balancer alone", func(c *Config) { c.BalancerAddr = "127.0.0.1:0" }, ""},
		{"a UI without a balancer", func(c *Config) { c.UIAddr = "127.0.0.1:0" }, "the client UI calls the balancer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.change(&cfg)
			err := cfg.Validate()
			if tt.message == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.message)
		})
	}
}

func TestAddrs(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		base int
		want []string
	}{
		{"count up from the base", Config{Host: "127.0.0.1", Nodes: 3}, 9001,
			[]string{"127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"}},
		{"base 0 gives every node port 0", Config{Host: "127.0.0.1", Nodes: 2}, 0,
			[]string{"127.0.0.1:0", "127.0.0.1:0"}},
		{"IPv6 hosts are bracketed", Config{Host: "::1", Nodes: 1}, 9101, []string{"[::1]:9101"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.cfg.Addrs(tt.base))
		})
	}
}

func TestCurlAddr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"127.0.0.1:9001", "localhost:9001"},
		{"0.0.0.0:9001", "localhost:9001"},
		{"[::1]:9001", "localhost:9001"},
		{"10.0.0.7:9001", "10.0.0.7:9001"},
		{"db.example:9001", "db.example:9001"},
		{"not an address", "not an address"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, CurlAddr(tt.in))
		})
	}
}
