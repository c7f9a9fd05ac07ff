package raftlog

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"sync/atomic"
)

// Log is one append-only log, kept in segment files in one directory,
// shared by many Raft groups. Its methods and those of its GroupStores are
// safe for concurrent use.
type Log struct {
	dir     string
	opts    Options
	dirLock io.Closer

	reqs      chan *request
	closing   chan struct{}
	stopped   chan struct{}
	closeOnce sync.Once
	closeErr  error

	mu     sync.RWMutex // guards state, segs, active and closed
	state  *state
	segs   map[uint32]*segment
	active *segment
	closed bool

	w     writer // owned by the writer goroutine
	stats counters
}

// counters are the figures behind Stats.
type counters struct {
	syncs, commits, writes atomic.Uint64
	torn                   int64
}

// Stats counts a Log's work since Open.
type Stats struct {
	// Syncs counts fsync calls: one per group commit, two per new segment
	// (the file and the directory).
	Syncs uint64
	// Commits counts group commits: batches written with one fsync.
	Commits uint64
	// Writes counts write calls answered: StoreLogs, DeleteRange, stable
	// sets and DropGroup, failed ones included.
	Writes uint64
	// Segments is the number of segment files in use.
	Segments int
	// TornBytes is how many bytes Open cut from the tail of the last
	// segment, left there by a write a crash interrupted.
	TornBytes int64
}

// Open opens the log in dir, creating dir if needed, and recovers it: it
// replays every segment, checking each record's checksum, cuts a torn tail
// off the last segment, and refuses (ErrCorrupt) a damaged record anywhere
// else. One Log at a time may have dir open (ErrLocked).
func Open(dir string, opts Options) (*Log, error) {
	l, err := open(dir, opts)
	if err != nil {
		return nil, err
	}
	go l.run()
	return l, nil
}

// open recovers the log without starting its writer.
func open(dir string, opts Options) (*Log, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create log directory: %w", err)
	}
	dirLock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	rec, err := recoverDir(dir)
	if err == nil && len(rec.segs) == 0 {
		err = rec.startFirstSegment(dir)
	}
	if err != nil {
		return nil, errors.Join(err, dirLock.Close())
	}
	l := newLog(dir, opts.withDefaults(), dirLock, rec)
	l.removeFiles(l.retire())
	return l, nil
}

func (rec *recovered) startFirstSegment(dir string) error {
	seg, err := createSegment(dir, 1, nil)
	if err != nil {
		return err
	}
	rec.segs = append(rec.segs, seg)
	return nil
}

func newLog(dir string, opts Options, dirLock io.Closer, rec *recovered) *Log {
	l := &Log{
		dir: dir, opts: opts, dirLock: dirLock,
		reqs:    make(chan *request, 1024),
		closing: make(chan struct{}),
		stopped: make(chan struct{}),
		state:   rec.state,
		segs:    make(map[uint32]*segment, len(rec.segs)),
		active:  rec.segs[len(rec.segs)-1],
		w:       writer{spans: make(map[uint64]span), synced: make(chan *commit, opts.ConcurrentSyncs)},
	}
	for _, s := range rec.segs {
		l.segs[s.id] = s
	}
	l.stats.torn = rec.torn
	return l
}

// Group returns the store of Raft group id, which holds whatever the log
// recovered for it. Any number of GroupStores may share a Log; two for the
// same id see the same entries.
func (l *Log) Group(id uint64) (*GroupStore, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return nil, ErrClosed
	}
	return &GroupStore{log: l, id: id}, nil
}

// Groups returns, in ascending order, the ids of the groups that hold
// entries or stable values.
func (l *Log) Groups() ([]uint64, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return nil, ErrClosed
	}
	ids := make([]uint64, 0, len(l.state.groups))
	for id := range l.state.groups {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}

// DropGroup durably removes every entry and stable value of group id, as
// when its replica leaves the node; the segments only it needed are then
// removed. The id may be used again afterwards and starts empty.
func (l *Log) DropGroup(id uint64) error {
	return l.submit(&request{kind: kindDrop, group: id, buf: appendDropRecord(nil, id)})
}

// Stats returns the log's counters.
func (l *Log) Stats() Stats {
	l.mu.RLock()
	segments := len(l.segs)
	l.mu.RUnlock()
	return Stats{
		Syncs:     l.stats.syncs.Load(),
		Commits:   l.stats.commits.Load(),
		Writes:    l.stats.writes.Load(),
		Segments:  segments,
		TornBytes: l.stats.torn,
	}
}

// Close waits for the commits in flight to be answered, answers the writes
// still queued with ErrClosed, closes every segment and releases the
// directory. It returns the error that failed the log, if any. Close is
// idempotent; later calls return the first result. Reads and writes after
// Close answer ErrClosed.
func (l *Log) Close() error {
	l.closeOnce.Do(func() {
		close(l.closing)
		<-l.stopped
		l.mu.Lock()
		defer l.mu.Unlock()
		l.closed = true
		errs := []error{l.w.failed}
		for _, s := range l.segs {
			errs = append(errs, s.f.Close())
		}
		l.closeErr = errors.Join(append(errs, l.dirLock.Close())...)
	})
	return l.closeErr
}
