package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBucketsCoverEveryValue(t *testing.T) {
	values := []uint64{0, 1, 63, 64, 127, 128, 129, 255, 256, 1000, 123456789, 1 << 40, 1<<63 - 1}
	for _, v := range values {
		i := bucketOf(v)
		require.Less(t, i, numBuckets, "value %d", v)
		assert.LessOrEqual(t, v, bucketHigh(i), "value %d above its bucket's high", v)
		if i > 0 {
			assert.Greater(t, v, bucketHigh(i-1), "value %d belongs in an earlier bucket", v)
		}
	}
}

func TestBucketHighIsWithinPrecision(t *testing.T) {
	for i := 2 * sub; i < numBuckets; i += 37 {
		low := bucketHigh(i-1) + 1
		assert.LessOrEqual(t, float64(bucketHigh(i)-low), float64(low)/sub, "bucket %d", i)
	}
}

func TestQuantiles(t *testing.T) {
	tests := []struct {
		name    string
		samples []time.Duration
		q       float64
		want    time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"one sample", []time.Duration{100}, 0.99, 100},
		{"exact small values", []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.5, 5},
		{"p99 of 1..100", seq(1, 100), 0.99, 99},
		{"max is never exceeded", []time.Duration{1000, 1001}, 1, 1001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h histogram
			for _, s := range tt.samples {
				h.record(s)
			}
			assert.Equal(t, tt.want, h.quantile(tt.q))
		})
	}
}

func TestQuantilesMatchSortedSamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var h histogram
	samples := make([]time.Duration, 20000)
	for i := range samples {
		samples[i] = time.Duration(rng.ExpFloat64() * float64(time.Millisecond))
		h.record(samples[i])
	}
	slices.Sort(samples)
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		exact := samples[int(math.Ceil(q*float64(len(samples))))-1]
		got := h.quantile(q)
		assert.GreaterOrEqual(t, got, exact, "q=%g", q)
		assert.InEpsilon(t, float64(exact), float64(got), 1.0/sub, "q=%g", q)
	}
}

func TestMergeAddsCounts(t *testing.T) {
	var a, b histogram
	for _, d := range seq(1, 50) {
		a.record(d)
	}
	for _, d := range seq(51, 100) {
		b.record(d)
	}
	a.merge(&b)
	assert.Equal(t, uint64(100), a.count)
	assert.Equal(t, time.Duration(100), a.max)
	assert.Equal(t, time.Duration(50), a.quantile(0.5))
	assert.Equal(t, time.Duration(50), a.mean()) // 5050/100, truncated
}

func TestRecordClampsNegative(t *testing.T) {
	var h histogram
	h.record(-5)
	assert.Equal(t, time.Duration(0), h.quantile(1))
}

// seq returns the durations from to to, in nanoseconds.
func seq(from, to int) []time.Duration {
	var out []time.Duration
	for i := from; i <= to; i++ {
		out = append(out, time.Duration(i))
	}
	return out
}
