package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDescribeTreekvNamesTheMode(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"-start"}, []string{"joined to a cmd/controller", "-treekv-via leaders", "straight to its partition's leader", "kv.Client, the calls waiting for a node sent together in POST /v1/batch"}},
		{[]string{"-start", "-treekv-max-batch", "1"}, []string{"joined to a cmd/controller", "-treekv-via leaders", "every call alone (-treekv-max-batch 1)"}},
		{[]string{"-start", "-treekv-max-batch", "16"}, []string{"joined to a cmd/controller", "-treekv-via leaders", "POST /v1/batch (up to 16)"}},
		{[]string{"-start", "-treekv-via", "nodes"}, []string{"3 cmd/node processes,", "-treekv-via nodes", "nodes in turn", "net/http"}},
		{[]string{"-start", "-treekv-via", "balancer", "-treekv-client", "kv"}, []string{"-treekv-via balancer", "cmd/load-balancer", "kv.Client"}},
	}
	for _, tt := range tests {
		t.Run(tt.want[1], func(t *testing.T) {
			cfg, err := parseConfig(append(tt.args, "-treekv-partitions", "4"), io.Discard)
			require.NoError(t, err)
			got := describeServers(cfg, targetTreekv)
			assert.Contains(t, got, "4 partitions of 3 replicas")
			for _, w := range tt.want {
				assert.Contains(t, got, w)
			}
		})
	}
}
