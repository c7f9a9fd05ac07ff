package jepsen

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckSet(t *testing.T) {
	tests := []struct {
		name                      string
		acked, unknown            []string
		final                     map[string]uint64
		lost, phantom, duplicated []string
		unknownPresent            int
	}{
		{name: "every acknowledged key present", acked: []string{"a", "b"},
			final: map[string]uint64{"a": 1, "b": 1}},
		{name: "unknown inserts may or may not apply", acked: []string{"a"}, unknown: []string{"u1", "u2"},
			final: map[string]uint64{"a": 1, "u1": 1}, unknownPresent: 1},
		{name: "lost acknowledged key", acked: []string{"a", "b", "c"},
			final: map[string]uint64{"b": 1}, lost: []string{"a", "c"}},
		{name: "phantom key", acked: []string{"a"},
			final: map[string]uint64{"a": 1, "zz": 1}, phantom: []string{"zz"}},
		{name: "key applied twice", acked: []string{"a"}, unknown: []string{"u"},
			final: map[string]uint64{"a": 2, "u": 3}, duplicated: []string{"a", "u"}, unknownPresent: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := CheckSet(tt.acked, tt.unknown, tt.final)
			require.Equal(t, tt.lost, r.Lost)
			require.Equal(t, tt.phantom, r.Phantom)
			require.Equal(t, tt.duplicated, r.Duplicated)
			require.Equal(t, tt.unknownPresent, r.UnknownPresent)
			require.Equal(t, tt.lost == nil && tt.phantom == nil && tt.duplicated == nil, r.OK(), "%s", r)
		})
	}
}

func TestSetReportNamesTheOffendingKeys(t *testing.T) {
	r := CheckSet([]string{"a"}, nil, map[string]uint64{"b": 2})
	require.Contains(t, r.String(), `1 lost: ["a"]`)
	require.Contains(t, r.String(), `1 phantom: ["b"]`)
	require.Contains(t, r.String(), `1 applied more than once: ["b"]`)
}
