package raftlog

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// synced records that c's fsync returned and publishes what is ready.
func (l *Log) synced(c *commit) {
	c.synced, c.barrier = true, l.w.started
	if c.err != nil {
		l.fail(c.err)
		return
	}
	l.publishReady()
}

// publishReady publishes and answers, oldest first, the commits in flight
// that are durable. A commit is when its fsync returned and so did that of
// every commit started before its fsync returned: concurrent fsyncs of one
// file may report a write-back error to only one of them, so an error is
// only ruled out once all of them returned without one.
func (l *Log) publishReady() {
	n := 0
	for n < len(l.w.inflight) && l.durable(l.w.inflight[n]) {
		n++
	}
	if n == 0 {
		return
	}
	ready := l.w.inflight[:n]
	l.publish(ready)
	doomed := l.retire()
	for _, c := range ready {
		for _, r := range c.batch {
			l.answer(r, r.err)
		}
	}
	l.w.inflight = slices.Delete(l.w.inflight, 0, n)
	l.removeFiles(doomed)
}

func (l *Log) durable(c *commit) bool {
	if !c.synced {
		return false
	}
	for _, other := range l.w.inflight {
		if other.seq > c.barrier {
			break
		}
		if !other.synced {
			return false
		}
	}
	return true
}

// publish makes the records of commits visible to readers.
func (l *Log) publish(commits []*commit) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range commits {
		for _, r := range c.batch {
			if r.written {
				l.apply(r)
			}
		}
	}
}

func (l *Log) apply(r *request) {
	switch r.kind {
	case kindEntry:
		l.indexEntries(r)
	case kindDelete:
		mustApply(l.state.deleteRange(r.group, r.first, r.last))
	case kindStable:
		l.state.setStable(r.group, r.key, r.value)
	case kindDrop:
		delete(l.state.groups, r.group)
	}
}

func (l *Log) indexEntries(r *request) {
	g, off := l.state.group(r.group), r.off
	for k, size := range r.sizes {
		mustApply(g.index.appendAt(r.first+uint64(k), location{off: off, seg: r.seg, size: size}))
		off += int64(size)
	}
}

// mustApply panics when a write admitted by the writer cannot be applied:
// the in-memory index would no longer match the log.
func mustApply(err error) {
	if err != nil {
		panic(fmt.Sprintf("raftlog: admitted write does not apply: %v", err))
	}
}

// rotateIfFull starts a new segment once the active one reaches
// SegmentSize. The new segment begins with every group's stable values, so
// no older segment is needed for them.
func (l *Log) rotateIfFull() error {
	if l.active.size < l.opts.SegmentSize {
		return nil
	}
	checkpoint, err := l.state.appendCheckpoint(nil)
	if err != nil {
		return err
	}
	seg, err := createSegment(l.dir, l.active.id+1, checkpoint)
	if err != nil {
		return err
	}
	l.stats.syncs.Add(2)
	l.active.trim()
	l.mu.Lock()
	l.segs[seg.id], l.active = seg, seg
	l.mu.Unlock()
	return nil
}

// retire takes out of use, oldest first, the segments below the oldest
// one any group still holds an entry in, and returns them for removeFiles.
func (l *Log) retire() []*segment {
	if len(l.segs) == 1 {
		return nil
	}
	oldest := l.state.oldestNeeded(l.active.id)
	var doomed []*segment
	l.mu.Lock()
	for id, s := range l.segs {
		if id < oldest {
			doomed = append(doomed, s)
			delete(l.segs, id)
		}
	}
	l.mu.Unlock()
	slices.SortFunc(doomed, func(a, b *segment) int { return cmp.Compare(a.id, b.id) })
	return doomed
}

// removeFiles closes and deletes retired segments, oldest first. A removal
// that fails or that a crash undoes is harmless: Open replays the extra
// segment or, past a gap in the numbering, deletes it.
func (l *Log) removeFiles(doomed []*segment) {
	for _, s := range doomed {
		_ = s.f.Close()
		_ = os.Remove(filepath.Join(l.dir, segmentName(s.id)))
	}
}
