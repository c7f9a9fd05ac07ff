package raftlog

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

const (
	segmentMagic  = "TKVRLOG1"
	segmentHeader = len(segmentMagic) + 4 + 4 // magic, id u32, crc32c u32
	segmentSuffix = ".seg"
	tempSuffix    = ".tmp"
)

// preallocChunk is how far ahead of its writes a segment's file is filled
// with zeros. Writing over blocks the file already has changes neither its
// size nor its extents, so a sync has only the data to flush, not the
// metadata of a growing file (on ext4, a journal commit per sync). Open
// takes a tail of zeros for the clean end of a segment.
const preallocChunk = 4 << 20

// zeros is what reserve writes, a block at a time.
var zeros = make([]byte, 1<<20)

// segment is one file of the log. Only the writer goroutine writes to it
// or changes size; readers use ReadAt at locations already published.
type segment struct {
	id    uint32
	f     *os.File
	size  int64 // end of the records
	alloc int64 // size of the file: the records, then zeros
}

func segmentName(id uint32) string {
	return fmt.Sprintf("%010d%s", id, segmentSuffix)
}

func parseSegmentName(name string) (uint32, bool) {
	digits, ok := strings.CutSuffix(name, segmentSuffix)
	if !ok || len(digits) != 10 {
		return 0, false
	}
	id, err := strconv.ParseUint(digits, 10, 32)
	return uint32(id), err == nil && id > 0
}

// listSegments removes temporary files left by an interrupted rotation and
// returns the ids of dir's segments in ascending order.
func listSegments(dir string) ([]uint32, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list segments: %w", err)
	}
	var ids []uint32
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), tempSuffix) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return nil, fmt.Errorf("remove leftover %s: %w", e.Name(), err)
			}
		}
		if id, ok := parseSegmentName(e.Name()); ok && e.Type().IsRegular() {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

func appendSegmentHeader(dst []byte, id uint32) []byte {
	start := len(dst)
	dst = append(dst, segmentMagic...)
	dst = binary.LittleEndian.AppendUint32(dst, id)
	return binary.LittleEndian.AppendUint32(dst, checksum(dst[start:]))
}

// createSegment writes a segment holding the header followed by prefix
// under a temporary name, syncs it, and renames it into place, so a file
// with a segment's name always starts with a complete header and prefix.
func createSegment(dir string, id uint32, prefix []byte) (*segment, error) {
	final := filepath.Join(dir, segmentName(id))
	tmp := final + tempSuffix
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return nil, fmt.Errorf("create segment: %w", err)
	}
	buf := append(appendSegmentHeader(nil, id), prefix...)
	if err := writeAndSync(f, buf, 0); err != nil {
		return nil, closeAfter(f, fmt.Errorf("write segment %d: %w", id, err))
	}
	if err := os.Rename(tmp, final); err != nil {
		return nil, closeAfter(f, fmt.Errorf("name segment %d: %w", id, err))
	}
	if err := syncDir(dir); err != nil {
		return nil, closeAfter(f, err)
	}
	return &segment{id: id, f: f, size: int64(len(buf)), alloc: int64(len(buf))}, nil
}

// openSegment opens an existing segment and checks its header.
func openSegment(dir string, id uint32) (*segment, error) {
	f, err := os.OpenFile(filepath.Join(dir, segmentName(id)), os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("open segment: %w", err)
	}
	head := make([]byte, segmentHeader)
	if _, err := f.ReadAt(head, 0); err != nil {
		return nil, closeAfter(f, fmt.Errorf("%w: segment %d header: %v", ErrCorrupt, id, err))
	}
	if want := appendSegmentHeader(nil, id); string(head) != string(want) {
		return nil, closeAfter(f, fmt.Errorf("%w: segment %d has a bad header", ErrCorrupt, id))
	}
	return &segment{id: id, f: f, size: int64(segmentHeader)}, nil
}

// write writes b at the end of the segment, into the page cache.
func (s *segment) write(b []byte) error {
	if err := s.reserve(s.size + int64(len(b))); err != nil {
		return err
	}
	if _, err := s.f.WriteAt(b, s.size); err != nil {
		return fmt.Errorf("write to segment %d: %w", s.id, err)
	}
	s.size += int64(len(b))
	return nil
}

// reserve makes the file at least end bytes long, filling it with zeros
// up to the next multiple of preallocChunk past end.
func (s *segment) reserve(end int64) error {
	if end <= s.alloc {
		return nil
	}
	target := (end/preallocChunk + 1) * preallocChunk
	for s.alloc < target {
		n := min(int64(len(zeros)), target-s.alloc)
		if _, err := s.f.WriteAt(zeros[:n], s.alloc); err != nil {
			return fmt.Errorf("extend segment %d: %w", s.id, err)
		}
		s.alloc += n
	}
	return nil
}

// trim gives back the zeros past the segment's records. It is only tidying:
// a tail of zeros left by a failure or a crash is read as the segment's end.
func (s *segment) trim() {
	if s.alloc > s.size && s.f.Truncate(s.size) == nil {
		s.alloc = s.size
	}
}

// sync makes what was written to the segment durable.
func (s *segment) sync() error {
	if err := datasync(s.f); err != nil {
		return fmt.Errorf("sync segment %d: %w", s.id, err)
	}
	return nil
}

// truncate cuts the segment to size bytes, durably.
func (s *segment) truncate(size int64) error {
	if err := s.f.Truncate(size); err != nil {
		return fmt.Errorf("truncate segment %d: %w", s.id, err)
	}
	s.size, s.alloc = size, size
	return s.f.Sync()
}

func writeAndSync(f *os.File, b []byte, off int64) error {
	if _, err := f.WriteAt(b, off); err != nil {
		return err
	}
	return f.Sync()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open directory: %w", err)
	}
	return closeAfter(d, d.Sync())
}

// closeAfter closes c and returns err, or the close error if err is nil.
func closeAfter(c interface{ Close() error }, err error) error {
	if cerr := c.Close(); err == nil {
		return cerr
	}
	return err
}
