package main

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMixSelectsReadFraction(t *testing.T) {
	tests := []struct {
		name  string
		reads float64
	}{
		{"all puts", 0},
		{"all gets", 1},
		{"90/10", 0.9},
		{"half", 0.5},
	}
	const draws = 100000
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			gets := 0
			for range draws {
				if (mix{reads: tt.reads}).next(rng) == opGet {
					gets++
				}
			}
			assert.InDelta(t, tt.reads, float64(gets)/draws, 0.01)
		})
	}
}

func TestMixExtremesAreExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		require.Equal(t, opPut, mix{reads: 0}.next(rng))
		require.Equal(t, opGet, mix{reads: 1}.next(rng))
	}
}

func TestDescribeWorkload(t *testing.T) {
	tests := []struct {
		reads       float64
		consistency string
		want        string
	}{
		{0, consistencyLinearizable, "put"},
		{0, consistencyStale, "put"},
		{1, consistencyLinearizable, "get"},
		{1, consistencyStale, "stale-get"},
		{0.9, consistencyLinearizable, "mixed-90/10"},
		{0.5, consistencyStale, "mix-r0.50"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			w := describeWorkload(tt.reads, tt.consistency)
			assert.Equal(t, tt.want, w.name)
			assert.Equal(t, tt.reads, w.reads)
			assert.Equal(t, tt.consistency, w.consistency)
		})
	}
}

func TestKeyNamesHaveOneLength(t *testing.T) {
	keys := keyNames(10000)
	require.Len(t, keys, 10000)
	assert.Equal(t, "kvbench-0000", keys[0])
	assert.Equal(t, "kvbench-9999", keys[9999])
}

func TestNewValueHasSize(t *testing.T) {
	v := newValue(rand.New(rand.NewPCG(1, 1)), 256)
	assert.Len(t, v, 256)
}
