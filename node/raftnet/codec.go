package raftnet

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/hashicorp/raft"
	"github.com/treekv/kv/node/internal/unixtime"
)

// Frame kinds.
const (
	kindRequest byte = 1
	kindAnswer  byte = 2
	kindFailure byte = 3
)

// frameHeader is the length prefix of every frame.
const frameHeader = 4

// maxFrame bounds the body of a frame a reader accepts.
const maxFrame = 1 << 30

// minEntrySize is the smallest encoding of a log entry (index, term, type,
// data length, extensions length, appended-at: one byte each).
const minEntrySize = 6

var errMalformed = errors.New("raftnet: malformed frame")

// beginFrame appends a frame header of kind, its length to be set by
// endFrame, and returns where the frame starts.
func beginFrame(dst []byte, kind byte) ([]byte, int) {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0, kind)
	return dst, start
}

// endFrame sets the length of the frame that starts at start.
func endFrame(dst []byte, start int) []byte {
	binary.LittleEndian.PutUint32(dst[start:], uint32(len(dst)-start-frameHeader))
	return dst
}

func appendBytes(dst, b []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

func appendHeader(dst []byte, h *raft.RPCHeader) []byte {
	dst = binary.AppendUvarint(dst, uint64(h.ProtocolVersion))
	dst = appendBytes(dst, h.ID)
	return appendBytes(dst, h.Addr)
}

// appendRequest appends the frame of call for group.
func appendRequest(dst []byte, group, call uint64, r *raft.AppendEntriesRequest) []byte {
	dst, start := beginFrame(dst, kindRequest)
	dst = binary.AppendUvarint(dst, group)
	dst = binary.AppendUvarint(dst, call)
	dst = appendHeader(dst, &r.RPCHeader)
	dst = binary.AppendUvarint(dst, r.Term)
	dst = appendBytes(dst, r.Leader)
	dst = binary.AppendUvarint(dst, r.PrevLogEntry)
	dst = binary.AppendUvarint(dst, r.PrevLogTerm)
	dst = binary.AppendUvarint(dst, uint64(len(r.Entries)))
	for _, e := range r.Entries {
		dst = binary.AppendUvarint(dst, e.Index)
		dst = binary.AppendUvarint(dst, e.Term)
		dst = append(dst, byte(e.Type))
		dst = appendBytes(dst, e.Data)
		dst = appendBytes(dst, e.Extensions)
		dst = binary.AppendVarint(dst, unixtime.Encode(e.AppendedAt))
	}
	dst = binary.AppendUvarint(dst, r.LeaderCommitIndex)
	return endFrame(dst, start)
}

// appendAnswer appends the frame answering call with r.
func appendAnswer(dst []byte, call uint64, r *raft.AppendEntriesResponse) []byte {
	dst, start := beginFrame(dst, kindAnswer)
	dst = binary.AppendUvarint(dst, call)
	dst = appendHeader(dst, &r.RPCHeader)
	dst = binary.AppendUvarint(dst, r.Term)
	dst = binary.AppendUvarint(dst, r.LastLog)
	var flags byte
	if r.Success {
		flags |= 1
	}
	if r.NoRetryBackoff {
		flags |= 2
	}
	dst = append(dst, flags)
	return endFrame(dst, start)
}

// appendFailure appends the frame answering call with an error.
func appendFailure(dst []byte, call uint64, err error) []byte {
	dst, start := beginFrame(dst, kindFailure)
	dst = binary.AppendUvarint(dst, call)
	dst = append(dst, err.Error()...)
	return endFrame(dst, start)
}

// decoder reads a frame's body. Its error is sticky: after the first
// failure every read returns a zero value.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: bad or truncated %s", errMalformed, what)
	}
}

func (d *decoder) uvarint(what string) uint64 { return readVarint(d, what, binary.Uvarint) }

func (d *decoder) varint(what string) int64 { return readVarint(d, what, binary.Varint) }

// readVarint reads a number with read (binary.Uvarint or binary.Varint).
func readVarint[T uint64 | int64](d *decoder, what string, read func([]byte) (T, int)) T {
	if d.err != nil {
		return 0
	}
	v, n := read(d.b)
	if n <= 0 {
		d.fail(what)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) octet(what string) byte {
	if d.err != nil || len(d.b) == 0 {
		d.fail(what)
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

// bytes reads a length-prefixed byte string, a view into the frame (nil
// when empty).
func (d *decoder) bytes(what string) []byte {
	n := d.uvarint(what)
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail(what)
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	if n == 0 {
		return nil
	}
	return v
}

func (d *decoder) header(h *raft.RPCHeader) {
	h.ProtocolVersion = raft.ProtocolVersion(d.uvarint("protocol version"))
	h.ID = d.bytes("server ID")
	h.Addr = d.bytes("server address")
}

// done reports the decoder's error, or an error if bytes are left.
func (d *decoder) done() error {
	if d.err == nil && len(d.b) > 0 {
		d.err = fmt.Errorf("%w: %d trailing bytes", errMalformed, len(d.b))
	}
	return d.err
}

// decodeRequest decodes the body of a request frame (after its kind byte).
// The entries' data and extensions are views into b, which the caller must
// leave unchanged.
func decodeRequest(b []byte) (group, call uint64, r *raft.AppendEntriesRequest, err error) {
	d := decoder{b: b}
	group = d.uvarint("group")
	call = d.uvarint("call")
	r = &raft.AppendEntriesRequest{}
	d.header(&r.RPCHeader)
	r.Term = d.uvarint("term")
	r.Leader = d.bytes("leader")
	r.PrevLogEntry = d.uvarint("previous entry")
	r.PrevLogTerm = d.uvarint("previous term")
	n := d.uvarint("entry count")
	if d.err == nil && n > uint64(len(d.b)/minEntrySize) {
		d.fail("entry count")
	}
	if d.err == nil && n > 0 {
		entries := make([]raft.Log, n)
		r.Entries = make([]*raft.Log, n)
		for i := range entries {
			e := &entries[i]
			e.Index = d.uvarint("entry index")
			e.Term = d.uvarint("entry term")
			e.Type = raft.LogType(d.octet("entry type"))
			e.Data = d.bytes("entry data")
			e.Extensions = d.bytes("entry extensions")
			e.AppendedAt = unixtime.Decode(d.varint("entry time"))
			r.Entries[i] = e
		}
	}
	r.LeaderCommitIndex = d.uvarint("commit index")
	if err := d.done(); err != nil {
		return 0, 0, nil, err
	}
	return group, call, r, nil
}

// decodeAnswer decodes the body of an answer frame (after its kind byte).
func decodeAnswer(b []byte) (call uint64, r *raft.AppendEntriesResponse, err error) {
	d := decoder{b: b}
	call = d.uvarint("call")
	r = &raft.AppendEntriesResponse{}
	d.header(&r.RPCHeader)
	r.Term = d.uvarint("term")
	r.LastLog = d.uvarint("last log")
	flags := d.octet("flags")
	r.Success, r.NoRetryBackoff = flags&1 != 0, flags&2 != 0
	if d.err == nil && flags > 3 {
		d.fail("flags")
	}
	if err := d.done(); err != nil {
		return 0, nil, err
	}
	return call, r, nil
}

// decodeFailure decodes the body of a failure frame (after its kind byte).
func decodeFailure(b []byte) (call uint64, msg string, err error) {
	d := decoder{b: b}
	call = d.uvarint("call")
	if d.err != nil {
		return 0, "", d.err
	}
	return call, string(d.b), nil
}
