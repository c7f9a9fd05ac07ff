package controller

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node"
)

func TestCheckNodeID(t *testing.T) {
	cases := map[string]bool{
		"n1": true, "node-2.eu_west": true,
		"../x": false, "a/b": false, "n 1": false, "é": false,
		strings.Repeat("n", maxNodeIDLen): true, strings.Repeat("n", maxNodeIDLen+1): false,
	}
	for id, ok := range cases {
		err := checkNodeID(id)
		if ok {
			require.NoError(t, err, id)
		} else {
			require.ErrorIs(t, err, node.ErrBadRequest, id)
		}
	}
}
