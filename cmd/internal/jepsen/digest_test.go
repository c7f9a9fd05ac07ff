package jepsen_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/jepsen"
	"github.com/treekv/kv/node"
)

func TestDigest(t *testing.T) {
	base := []node.Entry{{Key: "a", Value: []byte("1"), CreateRevision: 3, ModRevision: 3, Version: 1}}
	tests := []struct {
		name  string
		other []node.Entry
		same  bool
	}{
		{"identical entries", []node.Entry{{Key: "a", Value: []byte("1"), CreateRevision: 3, ModRevision: 3, Version: 1}}, true},
		{"another value", []node.Entry{{Key: "a", Value: []byte("2"), CreateRevision: 3, ModRevision: 3, Version: 1}}, false},
		{"another version", []node.Entry{{Key: "a", Value: []byte("1"), CreateRevision: 3, ModRevision: 3, Version: 2}}, false},
		{"key and value boundary moved", []node.Entry{{Key: "a1", CreateRevision: 3, ModRevision: 3, Version: 1}}, false},
		{"no entries", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.same, jepsen.Digest(base) == jepsen.Digest(tt.other))
		})
	}
}
