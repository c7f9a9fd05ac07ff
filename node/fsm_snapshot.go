package node

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"

	"github.com/google/btree"
	"github.com/hashicorp/raft"
)

// snapshotFormat is the first byte of every snapshot stream. A stream is:
//
//	format byte, applied index
//	entry count, entries in key order: key, value, create, mod, version
//	record count, records oldest first: key, index, hash (8 bytes), result
//	CRC-32C of all the bytes above (4 bytes, big-endian)
//
// where numbers are uvarints, strings length-prefixed, and a result is its
// revision, succeeded (one byte), op result count, then per op result its
// kind (one byte), key, found (one byte) and entry.
const snapshotFormat = 1

// readChunk bounds the memory a snapshot read allocates ahead of the bytes
// actually received, whatever length a corrupt stream announces.
const readChunk = 64 << 10

// Snapshot captures the state in O(1) for the tree (a copy-on-write clone)
// and O(records) for the idempotency table. The snapshot is independent of
// later applies and may be persisted concurrently with them.
func (f *FSM) Snapshot() (raft.FSMSnapshot, error) {
	f.mu.Lock() // Clone changes the tree's copy-on-write context
	defer f.mu.Unlock()
	return &fsmSnapshot{tree: f.tree.Clone(), records: f.dedup.records(), applied: f.applied.Load()}, nil
}

// fsmSnapshot is the state as of one applied index.
type fsmSnapshot struct {
	tree    *btree.BTreeG[Entry]
	records []*dedupRecord
	applied uint64
}

// Persist writes the snapshot to sink, then closes it; on error it cancels
// the sink and returns the error.
func (s *fsmSnapshot) Persist(sink raft.SnapshotSink) error {
	if err := s.writeTo(sink); err != nil {
		_ = sink.Cancel()
		return fmt.Errorf("persist snapshot: %w", err)
	}
	return sink.Close()
}

// Release does nothing: the snapshot holds no resources.
func (s *fsmSnapshot) Release() {}

func (s *fsmSnapshot) writeTo(w io.Writer) error {
	crc := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	bw := bufio.NewWriterSize(io.MultiWriter(w, crc), readChunk)
	buf := binary.AppendUvarint([]byte{snapshotFormat}, s.applied)
	buf = binary.AppendUvarint(buf, uint64(s.tree.Len()))
	_, err := bw.Write(buf)
	s.tree.Ascend(func(e Entry) bool {
		if err == nil {
			buf = appendEntry(buf[:0], &e)
			_, err = bw.Write(buf)
		}
		return err == nil
	})
	if err != nil {
		return err
	}
	if err = s.writeRecords(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	_, err = w.Write(crc.Sum(nil))
	return err
}

func (s *fsmSnapshot) writeRecords(w io.Writer) error {
	buf := binary.AppendUvarint(nil, uint64(len(s.records)))
	for _, r := range s.records {
		buf = appendBytes(buf, r.key)
		buf = binary.AppendUvarint(buf, r.index)
		buf = binary.LittleEndian.AppendUint64(buf, r.hash)
		buf = appendResult(buf, &r.result)
		if _, err := w.Write(buf); err != nil {
			return err
		}
		buf = buf[:0]
	}
	_, err := w.Write(buf)
	return err
}

func appendEntry(dst []byte, e *Entry) []byte {
	dst = appendBytes(dst, e.Key)
	dst = appendBytes(dst, e.Value)
	dst = binary.AppendUvarint(dst, e.CreateRevision)
	dst = binary.AppendUvarint(dst, e.ModRevision)
	return binary.AppendUvarint(dst, e.Version)
}

func appendResult(dst []byte, r *Result) []byte {
	dst = binary.AppendUvarint(dst, r.Revision)
	dst = appendBool(dst, r.Succeeded)
	dst = binary.AppendUvarint(dst, uint64(len(r.Results)))
	for i := range r.Results {
		o := &r.Results[i]
		dst = append(dst, byte(o.Kind))
		dst = appendBytes(dst, o.Key)
		dst = appendBool(dst, o.Found)
		dst = appendEntry(dst, &o.Entry)
	}
	return dst
}

func appendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, 1)
	}
	return append(dst, 0)
}

// Restore replaces the whole state with the snapshot read from rc, then
// closes rc. A truncated or corrupt snapshot fails with an error and leaves
// the state as it was. Waiters of WaitApplied see the restored index.
func (f *FSM) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	tree, dedup, applied, err := f.readSnapshot(rc)
	if err != nil {
		return fmt.Errorf("restore snapshot: %w", err)
	}
	size := treeSize(tree)
	f.mu.Lock()
	f.tree, f.dedup = tree, dedup
	f.size.Store(size)
	f.applied.Store(applied)
	f.mu.Unlock()
	f.notify.broadcast()
	return nil
}

func (f *FSM) readSnapshot(r io.Reader) (*btree.BTreeG[Entry], *dedupTable, uint64, error) {
	s := &snapReader{r: bufio.NewReaderSize(r, readChunk), tab: crc32.MakeTable(crc32.Castagnoli)}
	if v := s.octet(); s.err == nil && v != snapshotFormat {
		return nil, nil, 0, fmt.Errorf("unknown snapshot format %d", v)
	}
	applied := s.uvarint()
	tree := s.tree()
	dedup := newDedupTable(f.cfg)
	for n := s.uvarint(); n > 0 && s.err == nil; n-- {
		dedup.insert(s.record())
	}
	s.trailer()
	if s.err != nil {
		return nil, nil, 0, s.err
	}
	return tree, dedup, applied, nil
}

// snapReader reads a snapshot stream, keeping the CRC-32C of what it read.
// Its error is sticky: after the first failure reads return zero values.
type snapReader struct {
	r   *bufio.Reader
	tab *crc32.Table
	crc uint32
	one [1]byte
	err error
}

func (s *snapReader) fail(err error) {
	if s.err == nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		s.err = err
	}
}

// ReadByte reads one byte; it lets binary.ReadUvarint read from s.
func (s *snapReader) ReadByte() (byte, error) {
	b, err := s.r.ReadByte()
	if err != nil {
		return 0, err
	}
	s.one[0] = b
	s.crc = crc32.Update(s.crc, s.tab, s.one[:])
	return b, nil
}

func (s *snapReader) octet() byte {
	if s.err != nil {
		return 0
	}
	b, err := s.ReadByte()
	s.fail(err)
	return b
}

func (s *snapReader) bool() bool {
	switch s.octet() {
	case 0:
		return false
	case 1:
		return true
	}
	s.fail(errors.New("corrupt snapshot: bad boolean"))
	return false
}

func (s *snapReader) uvarint() uint64 {
	if s.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(s)
	s.fail(err)
	return v
}

// bytes reads a length-prefixed byte string, nil when empty.
func (s *snapReader) bytes() []byte {
	n := s.uvarint()
	if s.err != nil || n == 0 {
		return nil
	}
	b, err := readN(s.r, n)
	if err != nil {
		s.fail(err)
		return nil
	}
	s.crc = crc32.Update(s.crc, s.tab, b)
	return b
}

// readN reads exactly n bytes, allocating at most readChunk bytes beyond
// those received.
func readN(r io.Reader, n uint64) ([]byte, error) {
	if n <= readChunk {
		b := make([]byte, n)
		_, err := io.ReadFull(r, b)
		return b, err
	}
	if n > math.MaxInt64 {
		return nil, errors.New("corrupt snapshot: absurd length")
	}
	var buf bytes.Buffer
	if _, err := io.CopyN(&buf, r, int64(n)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (s *snapReader) entry() Entry {
	return Entry{
		Key:            string(s.bytes()),
		Value:          s.bytes(),
		CreateRevision: s.uvarint(),
		ModRevision:    s.uvarint(),
		Version:        s.uvarint(),
	}
}

// tree reads the entries, which must have non-empty keys in strictly
// increasing order.
func (s *snapReader) tree() *btree.BTreeG[Entry] {
	t := newTree()
	prev := ""
	for n := s.uvarint(); n > 0 && s.err == nil; n-- {
		e := s.entry()
		if s.err == nil && (e.Key <= prev) {
			s.fail(fmt.Errorf("corrupt snapshot: key %q out of order", e.Key))
		}
		t.ReplaceOrInsert(e)
		prev = e.Key
	}
	return t
}

func (s *snapReader) record() *dedupRecord {
	r := &dedupRecord{key: string(s.bytes()), index: s.uvarint()}
	var h [8]byte
	for i := range h {
		h[i] = s.octet()
	}
	r.hash = binary.LittleEndian.Uint64(h[:])
	r.result.Revision = s.uvarint()
	r.result.Succeeded = s.bool()
	for n := s.uvarint(); n > 0 && s.err == nil; n-- {
		o := OpResult{Kind: OpKind(s.octet()), Key: string(s.bytes()), Found: s.bool()}
		o.Entry = s.entry()
		r.result.Results = append(r.result.Results, o)
	}
	return r
}

// trailer checks the CRC-32C that ends the stream and that nothing follows.
func (s *snapReader) trailer() {
	if s.err != nil {
		return
	}
	want := s.crc
	var got [4]byte
	if _, err := io.ReadFull(s.r, got[:]); err != nil {
		s.fail(err)
		return
	}
	if binary.BigEndian.Uint32(got[:]) != want {
		s.fail(errors.New("corrupt snapshot: checksum mismatch"))
		return
	}
	if _, err := s.r.ReadByte(); err != io.EOF {
		s.fail(errors.New("corrupt snapshot: trailing bytes"))
	}
}
