package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseDialRewrite(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    map[string]string
		wantErr string
	}{
		{"one", "a:1=b:2", map[string]string{"a:1": "b:2"}, ""},
		{"several with spaces", "a:1=b:2, c:3=d:4", map[string]string{"a:1": "b:2", "c:3": "d:4"}, ""},
		{"no equals", "a:1", nil, "want addr=dialAddr"},
		{"no port", "a=b:2", nil, "Raft address"},
		{"bad target", "a:1=b", nil, "dial address"},
		{"duplicate", "a:1=b:2,a:1=c:3", nil, "appears twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseDialRewrite(tt.in)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestRaftDialRewriteFlag(t *testing.T) {
	cfg, err := parseConfig([]string{"-id", "n2", "-peers", threePeers, "-raft-dial-rewrite", "node.test:9101=127.0.0.1:7001"}, new(bytes.Buffer))
	require.NoError(t, err)
	require.Equal(t, map[string]string{"node.test:9101": "127.0.0.1:7001"}, cfg.dialRewrite)
}
