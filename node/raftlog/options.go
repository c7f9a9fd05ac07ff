package raftlog

import "fmt"

// Options configures a Log. The zero value takes every default.
type Options struct {
	// SegmentSize is the size in bytes past which the log starts a new
	// segment file. A segment is removed once no group still holds an entry
	// in it. Default 64 MiB; from 4 KiB to 1 GiB.
	SegmentSize int64
	// MaxBatchSize bounds the bytes of writes one group commit gathers;
	// writes still queued go into the next commit. Default 8 MiB.
	MaxBatchSize int
	// ConcurrentSyncs is how many group commits may be fsyncing at once.
	// With more than 1, the writes queued behind a commit whose fsync runs
	// are written and fsynced as the next commit without waiting, which
	// helps on storage that serves several flushes at once (cloud volumes)
	// at the cost of smaller batches. A commit is still answered only after
	// its own fsync and those of every commit before it. Default 1: each
	// commit waits for the previous one, so batches are largest.
	// At most 64.
	ConcurrentSyncs int
}

// Defaults and limits of Options.
const (
	DefaultSegmentSize     = 64 << 20
	DefaultMaxBatchSize    = 8 << 20
	MinSegmentSize         = 4 << 10
	MaxSegmentSize         = 1 << 30
	DefaultConcurrentSyncs = 1
	MaxConcurrentSyncs     = 64
)

// Validate reports the first setting that cannot work.
func (o Options) Validate() error {
	if o.SegmentSize != 0 && (o.SegmentSize < MinSegmentSize || o.SegmentSize > MaxSegmentSize) {
		return fmt.Errorf("SegmentSize (%d) must be 0 (default) or between %d and %d bytes", o.SegmentSize, MinSegmentSize, MaxSegmentSize)
	}
	if o.MaxBatchSize < 0 {
		return fmt.Errorf("MaxBatchSize (%d) cannot be negative", o.MaxBatchSize)
	}
	if o.ConcurrentSyncs < 0 || o.ConcurrentSyncs > MaxConcurrentSyncs {
		return fmt.Errorf("ConcurrentSyncs (%d) must be 0 (default) or between 1 and %d", o.ConcurrentSyncs, MaxConcurrentSyncs)
	}
	return nil
}

func (o Options) withDefaults() Options {
	if o.SegmentSize == 0 {
		o.SegmentSize = DefaultSegmentSize
	}
	if o.MaxBatchSize == 0 {
		o.MaxBatchSize = DefaultMaxBatchSize
	}
	if o.ConcurrentSyncs == 0 {
		o.ConcurrentSyncs = DefaultConcurrentSyncs
	}
	return o
}
