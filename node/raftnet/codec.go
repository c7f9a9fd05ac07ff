package raftnet

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/hashicorp/raft"
	"github.com/treekv/kv/node/internal/unixtime"
	"github.com/treekv/kv/node/internal/wire"
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

// decoder reads a frame's body; its errors match errMalformed.
type decoder struct{ wire.Reader }

// newDecoder returns a decoder of b.
func newDecoder(b []byte) decoder {
	return decoder{wire.NewReader(b, func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{errMalformed}, args...)...)
	})}
}

func (d *decoder) header(h *raft.RPCHeader) {
	h.ProtocolVersion = raft.ProtocolVersion(d.Uvarint("protocol version"))
	h.ID = d.Bytes("server ID")
	h.Addr = d.Bytes("server address")
}

// done reports the decoder's error, or an error if bytes are left.
func (d *decoder) done() error {
	if d.Len() > 0 {
		d.Fail("%d trailing bytes", d.Len())
	}
	return d.Err()
}

// decodeRequest decodes the body of a request frame (after its kind byte).
// The entries' data and extensions are views into b, which the caller must
// leave unchanged.
func decodeRequest(b []byte) (group, call uint64, r *raft.AppendEntriesRequest, err error) {
	d := newDecoder(b)
	group = d.Uvarint("group")
	call = d.Uvarint("call")
	r = &raft.AppendEntriesRequest{}
	d.header(&r.RPCHeader)
	r.Term = d.Uvarint("term")
	r.Leader = d.Bytes("leader")
	r.PrevLogEntry = d.Uvarint("previous entry")
	r.PrevLogTerm = d.Uvarint("previous term")
	n := d.Uvarint("entry count")
	if d.Err() == nil && n > uint64(d.Len()/minEntrySize) {
		d.Fail("entry count %d cannot fit in %d bytes", n, d.Len())
	}
	if d.Err() == nil && n > 0 {
		entries := make([]raft.Log, n)
		r.Entries = make([]*raft.Log, n)
		for i := range entries {
			e := &entries[i]
			e.Index = d.Uvarint("entry index")
			e.Term = d.Uvarint("entry term")
			e.Type = raft.LogType(d.Octet("entry type"))
			e.Data = d.Bytes("entry data")
			e.Extensions = d.Bytes("entry extensions")
			e.AppendedAt = unixtime.Decode(d.Varint("entry time"))
			r.Entries[i] = e
		}
	}
	r.LeaderCommitIndex = d.Uvarint("commit index")
	if err := d.done(); err != nil {
		return 0, 0, nil, err
	}
	return group, call, r, nil
}

// decodeAnswer decodes the body of an answer frame (after its kind byte).
func decodeAnswer(b []byte) (call uint64, r *raft.AppendEntriesResponse, err error) {
	d := newDecoder(b)
	call = d.Uvarint("call")
	r = &raft.AppendEntriesResponse{}
	d.header(&r.RPCHeader)
	r.Term = d.Uvarint("term")
	r.LastLog = d.Uvarint("last log")
	flags := d.Octet("flags")
	r.Success, r.NoRetryBackoff = flags&1 != 0, flags&2 != 0
	if d.Err() == nil && flags > 3 {
		d.Fail("bad flags %d", flags)
	}
	if err := d.done(); err != nil {
		return 0, nil, err
	}
	return call, r, nil
}

// decodeFailure decodes the body of a failure frame (after its kind byte).
func decodeFailure(b []byte) (call uint64, msg string, err error) {
	d := newDecoder(b)
	call = d.Uvarint("call")
	if err := d.Err(); err != nil {
		return 0, "", err
	}
	return call, string(d.Rest()), nil
}
