package raftlog

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// recovered is what Open rebuilds from the segment files.
type recovered struct {
	state *state
	segs  []*segment // ascending; the last one is active
	torn  int64      // bytes cut from the tail of the last segment
}

// recoverDir replays every segment of dir in order. Segments below a gap
// in the numbering are leftovers of a removal interrupted by a crash
// (removal goes oldest first) and are deleted.
func recoverDir(dir string) (*recovered, error) {
	ids, err := listSegments(dir)
	if err != nil {
		return nil, err
	}
	keep, stale := contiguousSuffix(ids)
	for _, id := range stale {
		if err := os.Remove(filepath.Join(dir, segmentName(id))); err != nil {
			return nil, fmt.Errorf("remove superseded segment %d: %w", id, err)
		}
	}
	rec := &recovered{state: newState()}
	for i, id := range keep {
		if err := rec.replaySegment(dir, id, i == len(keep)-1); err != nil {
			return nil, errors.Join(err, rec.close())
		}
	}
	return rec, nil
}

func contiguousSuffix(ids []uint32) (keep, stale []uint32) {
	i := len(ids) - 1
	for i > 0 && ids[i-1] == ids[i]-1 {
		i--
	}
	if i < 0 {
		return nil, nil
	}
	return ids[i:], ids[:i]
}

func (rec *recovered) replaySegment(dir string, id uint32, last bool) error {
	seg, err := openSegment(dir, id)
	if err != nil {
		return err
	}
	rec.segs = append(rec.segs, seg)
	torn, err := scanSegment(seg, last, rec.state)
	rec.torn += torn
	return err
}

func (rec *recovered) close() error {
	var errs []error
	for _, s := range rec.segs {
		errs = append(errs, s.f.Close())
	}
	return errors.Join(errs...)
}

// scanSegment replays the records of seg into st and sets seg.size to the
// end of the last good record. A bad record is an error unless the segment
// is the last one, whose bad tail (a write torn by a crash) is cut off;
// the number of bytes cut is returned.
func scanSegment(seg *segment, last bool, st *state) (int64, error) {
	info, err := seg.f.Stat()
	if err != nil {
		return 0, fmt.Errorf("stat segment %d: %w", seg.id, err)
	}
	end := info.Size()
	r := bufio.NewReaderSize(io.NewSectionReader(seg.f, int64(segmentHeader), end), 1<<20)
	off, buf := int64(segmentHeader), []byte(nil)
	for off < end {
		rec, size, err := readRecord(r, &buf, end-off)
		if err != nil && isDecodeError(err) && zeroTail(seg.f, off, end) {
			break // the space reserve filled ahead of the records
		}
		if err != nil {
			return seg.badRecord(off, end, last, err)
		}
		if err := st.replay(&rec, location{off: off, seg: seg.id, size: uint32(size)}); err != nil {
			return 0, fmt.Errorf("%w: segment %d offset %d: %v", ErrCorrupt, seg.id, off, err)
		}
		off += int64(size)
	}
	seg.size, seg.alloc = off, end
	return 0, nil
}

// zeroTail reports whether the bytes of f from off to end are all zero.
func zeroTail(f *os.File, off, end int64) bool {
	buf := make([]byte, min(end-off, 64<<10))
	for off < end {
		n, err := f.ReadAt(buf[:min(end-off, int64(len(buf)))], off)
		if err != nil || !allZero(buf[:n]) {
			return false
		}
		off += int64(n)
	}
	return true
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// readRecord reads the next record from r, of which remaining bytes are
// left in the file, into *buf.
func readRecord(r *bufio.Reader, buf *[]byte, remaining int64) (record, int, error) {
	if remaining < frameSize {
		return record{}, 0, errTorn
	}
	frame, err := r.Peek(frameSize)
	if err != nil {
		return record{}, 0, fmt.Errorf("read record: %w", err)
	}
	size, err := recordSize(frame)
	if err != nil {
		return record{}, 0, err
	}
	if int64(size) > remaining {
		return record{}, 0, errTorn
	}
	if cap(*buf) < size {
		*buf = make([]byte, size)
	}
	b := (*buf)[:size]
	if _, err := io.ReadFull(r, b); err != nil {
		return record{}, 0, fmt.Errorf("read record: %w", err)
	}
	return decodeRecord(b)
}

func (s *segment) badRecord(off, end int64, last bool, cause error) (int64, error) {
	if !isDecodeError(cause) {
		return 0, fmt.Errorf("segment %d offset %d: %w", s.id, off, cause)
	}
	if !last {
		return 0, fmt.Errorf("%w: segment %d offset %d: %v", ErrCorrupt, s.id, off, cause)
	}
	if err := s.truncate(off); err != nil {
		return 0, err
	}
	return end - off, nil
}

// isDecodeError tells a record that is torn or damaged from a failure to
// read the file, which must never cause data to be cut.
func isDecodeError(err error) bool {
	return errors.Is(err, errTorn) || errors.Is(err, errCRC) || errors.Is(err, errBadBody)
}
