package main

import (
	"math"
	"math/bits"
	"time"
)

// subBits sets the histogram's precision: each power of two is split into
// 2^subBits buckets, so a reported percentile is at most 1/64 (1.6%) above
// the true one.
const subBits = 6

// Layout of the buckets: values below 2*sub have a bucket each; above,
// every power of two has sub buckets.
const (
	sub        = 1 << subBits
	numBuckets = (64 - subBits) * sub
)

// histogram counts latencies in fixed logarithmic buckets, as HdrHistogram
// does. Its zero value is empty and ready; it is not safe for concurrent
// use (each worker keeps its own and they are merged at the end).
type histogram struct {
	counts [numBuckets]uint64
	count  uint64
	sum    time.Duration
	max    time.Duration
}

// record adds one latency; a negative one counts as zero.
func (h *histogram) record(d time.Duration) {
	d = max(d, 0)
	h.counts[bucketOf(uint64(d))]++
	h.count++
	h.sum += d
	h.max = max(h.max, d)
}

// merge adds every latency of o to h.
func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.count += o.count
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// quantile returns the latency below which a fraction q (0..1) of the
// recorded ones fall: the upper bound of the bucket that holds it, never
// above the largest recorded. It returns 0 for an empty histogram.
func (h *histogram) quantile(q float64) time.Duration {
	if h.count == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.count)))
	rank = min(max(rank, 1), h.count)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(time.Duration(bucketHigh(i)), h.max)
		}
	}
	return h.max
}

// mean returns the average latency, 0 for an empty histogram.
func (h *histogram) mean() time.Duration {
	if h.count == 0 {
		return 0
	}
	return h.sum / time.Duration(h.count)
}

// bucketOf returns the bucket of value v.
func bucketOf(v uint64) int {
	if v < 2*sub {
		return int(v)
	}
	shift := bits.Len64(v) - subBits - 1
	return shift*sub + int(v>>shift)
}

// bucketHigh returns the largest value that falls in bucket i.
func bucketHigh(i int) uint64 {
	if i < 2*sub {
		return uint64(i)
	}
	shift := i/sub - 1
	m := uint64(i - shift*sub)
	return (m+1)<<shift - 1
}
