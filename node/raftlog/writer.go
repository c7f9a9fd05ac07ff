package raftlog

import "sync"

// writer is the state of the one goroutine that writes the log.
type writer struct {
	buf      []byte          // reused to assemble each batch
	spans    map[uint64]span // groups' spans as the batches written leave them
	inflight []*commit       // written, not yet published; oldest first
	synced   chan *commit    // fsync results from the sync goroutines
	syncs    sync.WaitGroup  // the sync goroutines
	started  uint64          // sequence number of the last commit started
	failed   error           // sticky: once a write or fsync fails, all do
}

// commit is one batch of writes on its way to disk.
type commit struct {
	seq     uint64
	batch   []*request
	synced  bool   // its fsync returned (or it had nothing to write)
	barrier uint64 // the last commit started when its fsync returned
	err     error  // set by the sync goroutine
}

// run is the writer goroutine: it takes every write queued, writes them
// as one batch and fsyncs once (group commit), then publishes and answers
// them all. Up to ConcurrentSyncs batches may be fsyncing at once.
func (l *Log) run() {
	defer close(l.stopped)
	for {
		select {
		case r := <-l.accepting():
			l.start(l.gather(r))
		case c := <-l.w.synced:
			l.synced(c)
		case <-l.closing:
			l.stop()
			return
		}
	}
}

// accepting returns the request queue while a commit may start: fewer than
// ConcurrentSyncs are in flight, and none is if the active segment is full,
// as a new segment starts only once every commit of the old one is
// published (its checkpoint must hold every stable value).
func (l *Log) accepting() chan *request {
	n := len(l.w.inflight)
	if n >= l.opts.ConcurrentSyncs || (n > 0 && l.active.size >= l.opts.SegmentSize) {
		return nil
	}
	return l.reqs
}

// gather returns first and the writes queued behind it, up to
// MaxBatchSize bytes.
func (l *Log) gather(first *request) []*request {
	batch, size := []*request{first}, len(first.buf)
	for size < l.opts.MaxBatchSize {
		select {
		case r := <-l.reqs:
			batch = append(batch, r)
			size += len(r.buf)
		default:
			return batch
		}
	}
	return batch
}

// stop lets the commits in flight finish, then refuses the queued writes.
func (l *Log) stop() {
	for len(l.w.inflight) > 0 {
		l.synced(<-l.w.synced)
	}
	l.w.syncs.Wait()
	for {
		select {
		case r := <-l.reqs:
			l.answer(r, ErrClosed)
		default:
			return
		}
	}
}

// start writes batch as one commit and starts its fsync.
func (l *Log) start(batch []*request) {
	l.w.started++
	c := &commit{seq: l.w.started, batch: batch}
	l.w.inflight = append(l.w.inflight, c)
	if l.w.failed != nil {
		l.fail(l.w.failed)
		return
	}
	if err := l.rotateIfFull(); err != nil {
		l.fail(err)
		return
	}
	buf := l.assemble(batch)
	if len(buf) == 0 {
		l.synced(c)
		return
	}
	seg := l.active
	if err := seg.write(buf); err != nil {
		l.fail(err)
		return
	}
	l.stats.commits.Add(1)
	l.stats.syncs.Add(1)
	l.w.syncs.Go(func() {
		c.err = seg.sync()
		l.w.synced <- c
	})
}

// assemble admits each request of batch against the groups as the writes
// before it leave them, and returns the records of those admitted.
func (l *Log) assemble(batch []*request) []byte {
	seg, buf := l.active, l.w.buf[:0]
	for _, r := range batch {
		r.written, r.err = l.admit(r)
		if r.written {
			r.seg, r.off = seg.id, seg.size+int64(len(buf))
			buf = append(buf, r.buf...)
		}
	}
	if cap(buf) <= 2*l.opts.MaxBatchSize {
		l.w.buf = buf
	}
	return buf
}

// admit checks that r keeps its group's entries contiguous and reports
// whether r has anything to write.
func (l *Log) admit(r *request) (bool, error) {
	cur, ok := l.w.spans[r.group]
	if !ok {
		cur = l.state.span(r.group)
	}
	next, err := cur, error(nil)
	switch r.kind {
	case kindEntry:
		next, err = cur.appendLive(r.first, r.last)
	case kindDelete:
		next, err = cur.deleteRange(r.first, r.last)
		if err == nil && next == cur {
			return false, nil
		}
	case kindDrop:
		next = span{}
	}
	if err != nil {
		return false, err
	}
	l.w.spans[r.group] = next
	return true, nil
}

// fail makes err sticky and answers every commit in flight with it: their
// writes may or may not be on disk.
func (l *Log) fail(err error) {
	if l.w.failed == nil {
		l.w.failed = err
	}
	for _, c := range l.w.inflight {
		for _, r := range c.batch {
			l.answer(r, l.w.failed)
		}
	}
	l.w.inflight = nil
}

func (l *Log) answer(r *request, err error) {
	l.stats.writes.Add(1)
	r.done <- err
}
