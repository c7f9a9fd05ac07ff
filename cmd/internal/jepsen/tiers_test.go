package jepsen_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// The tiers of the scenario catalogue. The pull-request tier runs each
// scenario of its list once, with one seed; the long tier
// (go test ./cmd/internal/jepsen/ -long) runs every scenario, each with
// -seeds random seeds.
var (
	longTier  = flag.Bool("long", false, "run the full scenario catalogue, each scenario with -seeds seeds")
	longSeeds = flag.Int("seeds", 5, "seeds per scenario in the long tier")
)

// eachSeed runs scenario once per seed of the run as a subtest named after
// its seed: JEPSEN_SEED alone when set, else one random seed, or -seeds
// random seeds in the long tier.
func eachSeed(t *testing.T, scenario func(t *testing.T, seed uint64)) {
	for _, s := range runSeeds(t) {
		t.Run(fmt.Sprintf("seed=%d", s), func(t *testing.T) {
			t.Logf("seed %d (replay with JEPSEN_SEED=%d go test ./cmd/internal/jepsen/ -run '%s')", s, s, t.Name())
			scenario(t, s)
		})
	}
}

// tiered returns pr in the pull-request tier and long in the long tier.
func tiered(pr, long int) int {
	if *longTier {
		return long
	}
	return pr
}

// runSeeds returns the seeds the run's scenarios use.
func runSeeds(t *testing.T) []uint64 {
	t.Helper()
	if env := os.Getenv("JEPSEN_SEED"); env != "" {
		s, err := strconv.ParseUint(env, 10, 64)
		require.NoError(t, err, "JEPSEN_SEED")
		return []uint64{s}
	}
	seeds := make([]uint64, tiered(1, max(1, *longSeeds)))
	for i := range seeds {
		seeds[i] = rand.Uint64() >> 1 // fits an int64, so any tool can replay it
	}
	return seeds
}
