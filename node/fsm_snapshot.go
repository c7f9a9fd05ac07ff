package node

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

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
// where numbers are uvarints, strings length-prefixed, and a result is
// encoded as appendResult encodes it.
const snapshotFormat = 1

// readChunk is the size of the buffers through which snapshots are written
// and read. A read allocates memory in proportion to the bytes it actually
// received, whatever length a corrupt stream announces.
const readChunk = 64 << 10

// Snapshot captures the state in O(1) for the tree (a copy-on-write clone)
// and O(records) for the idempotency table. The snapshot is independent of
// later applies and may be persisted concurrently with them.
func (f *FSM) Snapshot() (raft.FSMSnapshot, error) {
	f.mu.Lock() // Clone changes the tree's copy-on-write context
	defer f.mu.Unlock()
	return &fsmSnapshot{tree: f.tree.Clone(), dedup: f.dedup.view(), applied: f.applied.Load()}, nil
}

// fsmSnapshot is the state as of one applied index.
type fsmSnapshot struct {
	tree    *btree.BTreeG[item]
	dedup   dedupView
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
	s.tree.Ascend(func(it item) bool {
		if err == nil {
			e := it.entry()
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
	buf := binary.AppendUvarint(nil, uint64(s.dedup.len()))
	for i := range s.dedup.len() {
		buf = s.dedup.appendRecord(buf, i)
		if _, err := w.Write(buf); err != nil {
			return err
		}
		buf = buf[:0]
	}
	_, err := w.Write(buf)
	return err
}

// Restore replaces the whole state with the snapshot read from rc, then
// closes rc. A truncated or corrupt snapshot fails with an error and leaves
// the state as it was. Waiters of WaitApplied see the restored index.
func (f *FSM) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	st, err := f.readSnapshot(rc)
	if err != nil {
		return fmt.Errorf("restore snapshot: %w", err)
	}
	f.mu.Lock()
	f.tree, f.dedup = st.tree, st.dedup
	f.size.Store(st.size)
	f.applied.Store(st.applied)
	f.mu.Unlock()
	f.notify.broadcast()
	return nil
}

// restored is the state a snapshot stream holds.
type restored struct {
	tree    *btree.BTreeG[item]
	dedup   *dedupTable
	size    int64 // Bytes of the tree
	applied uint64
}

// readSnapshot reads and checks the whole stream before it builds the tree,
// so a corrupt stream costs no tree.
func (f *FSM) readSnapshot(r io.Reader) (*restored, error) {
	s := newSnapReader(r)
	if v := s.octet(); s.err == nil && v != snapshotFormat {
		return nil, fmt.Errorf("unknown snapshot format %d", v)
	}
	st := &restored{applied: s.uvarint(), dedup: newDedupTable(f.cfg)}
	items, size := s.items()
	for n := s.uvarint(); n > 0 && s.err == nil; n-- {
		r := s.record()
		st.dedup.insert(r.key, r.index, r.hash, &r.result)
	}
	s.trailer()
	if s.err != nil {
		return nil, s.err
	}
	st.tree, st.size = treeOf(items), size
	return st, nil
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

// snapReader reads a snapshot stream through its own buffer and keeps the
// CRC-32C of the bytes it consumed, updated in bulk as the buffer moves on
// rather than field by field. Its error is sticky: after the first failure
// reads return zero values.
type snapReader struct {
	src   io.Reader
	buf   []byte // buf[r:w] is received and not yet consumed
	r, w  int
	eof   bool // src has no more bytes
	empty int  // reads in a row that returned nothing
	tab   *crc32.Table
	crc   uint32 // of the bytes consumed before buf[0]
	err   error
}

func newSnapReader(src io.Reader) *snapReader {
	return &snapReader{src: src, buf: make([]byte, readChunk), tab: crc32.MakeTable(crc32.Castagnoli)}
}

func (s *snapReader) fail(err error) {
	if s.err == nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		s.err = err
	}
}

// fill tries to have n unconsumed bytes in the buffer (n <= len(buf)) and
// reports whether it has them; it fails the reader on a read error only.
func (s *snapReader) fill(n int) bool {
	if s.w-s.r >= n {
		return true
	}
	s.crc = crc32.Update(s.crc, s.tab, s.buf[:s.r])
	s.w, s.r = copy(s.buf, s.buf[s.r:s.w]), 0
	for s.w < n && !s.eof && s.err == nil {
		s.read()
	}
	return s.w >= n
}

// maxEmptyReads is how many reads in a row may return no bytes and no
// error before the reader gives up on its source, as bufio.Reader does.
const maxEmptyReads = 100

// read appends to the buffer what one Read of the source returns.
func (s *snapReader) read() {
	m, err := s.src.Read(s.buf[s.w:])
	s.w += m
	switch {
	case err == io.EOF:
		s.eof = true
	case err != nil:
		s.fail(err)
	case m > 0:
		s.empty = 0
	default:
		if s.empty++; s.empty == maxEmptyReads {
			s.fail(io.ErrNoProgress)
		}
	}
}

// need is fill that fails the reader when the stream ends first.
func (s *snapReader) need(n int) bool {
	if s.err != nil {
		return false
	}
	if !s.fill(n) {
		s.fail(io.ErrUnexpectedEOF)
	}
	return s.err == nil
}

func (s *snapReader) octet() byte {
	if !s.need(1) {
		return 0
	}
	s.r++
	return s.buf[s.r-1]
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
	s.fill(binary.MaxVarintLen64) // fewer at the end of the stream
	v, n := binary.Uvarint(s.buf[s.r:s.w])
	switch {
	case n < 0:
		s.fail(errors.New("corrupt snapshot: varint overflows 64 bits"))
	case n == 0:
		s.fail(io.ErrUnexpectedEOF)
	}
	if n <= 0 {
		return 0
	}
	s.r += n
	return v
}

// bytes reads a length-prefixed byte string, nil when empty. Whatever length
// a corrupt stream announces, it allocates in proportion to the bytes
// actually received.
func (s *snapReader) bytes() []byte {
	n := s.uvarint()
	if n <= uint64(len(s.buf)) && !s.need(int(n)) {
		return nil
	}
	var b []byte
	for n > 0 && s.need(1) {
		chunk := s.buf[s.r:min(uint64(s.w), uint64(s.r)+n)]
		b = append(b, chunk...)
		s.r += len(chunk)
		n -= uint64(len(chunk))
	}
	if s.err != nil {
		return nil
	}
	return b
}

// trailer checks the CRC-32C that ends the stream and that nothing follows.
func (s *snapReader) trailer() {
	if !s.need(4) {
		return
	}
	want := crc32.Update(s.crc, s.tab, s.buf[:s.r])
	got := binary.BigEndian.Uint32(s.buf[s.r:])
	s.r += 4
	if got != want {
		s.fail(errors.New("corrupt snapshot: checksum mismatch"))
		return
	}
	if s.fill(1) {
		s.fail(errors.New("corrupt snapshot: trailing bytes"))
	}
}
