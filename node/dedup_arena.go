package node

import (
	"encoding/binary"
	"slices"
)

// dedupChunkSize is the usual size of an arena chunk; a record larger than a
// chunk gets a chunk of its own size.
const dedupChunkSize = 64 << 10

// dedupArena holds the keys and encoded results of a table's records, in
// chunks filled in record order and dropped from the front once no record
// uses them. Bytes once written never change and chunks are never reused, so
// a copy of the chunk list (share) reads the same bytes later on.
type dedupArena struct {
	chunks [][]byte // chunk number first+i is chunks[i]; the last is filled
	first  uint64
}

// add appends key and the encoding of res to the last chunk, starting a new
// one when it has no room, and says where they are.
func (a *dedupArena) add(key string, res *Result) (chunk uint64, off, keyEnd, end uint32) {
	c := a.room(len(key) + resultSizeBound(res))
	off = uint32(len(*c))
	*c = append(*c, key...)
	keyEnd = uint32(len(*c))
	*c = appendResult(*c, res)
	return a.end() - 1, off, keyEnd, uint32(len(*c))
}

// room returns the last chunk, with room for n more bytes.
func (a *dedupArena) room(n int) *[]byte {
	if k := len(a.chunks); k > 0 && cap(a.chunks[k-1])-len(a.chunks[k-1]) >= n {
		return &a.chunks[k-1]
	}
	a.chunks = append(a.chunks, make([]byte, 0, max(dedupChunkSize, n)))
	return &a.chunks[len(a.chunks)-1]
}

// end returns the number the next new chunk gets.
func (a *dedupArena) end() uint64 { return a.first + uint64(len(a.chunks)) }

// bytes returns chunk's bytes [from, to).
func (a *dedupArena) bytes(chunk uint64, from, to uint32) []byte {
	return a.chunks[chunk-a.first][from:to:to]
}

// release drops the chunks numbered below chunk.
func (a *dedupArena) release(chunk uint64) {
	if chunk <= a.first {
		return
	}
	k := int(min(chunk-a.first, uint64(len(a.chunks))))
	clear(a.chunks[:k])
	a.chunks = a.chunks[k:]
	a.first += uint64(k)
}

// share returns an arena that reads the bytes written so far, unchanged by
// later adds and releases.
func (a *dedupArena) share() dedupArena {
	return dedupArena{chunks: slices.Clone(a.chunks), first: a.first}
}

// resultSizeBound returns a size no smaller than res's encoding.
func resultSizeBound(res *Result) int {
	n := 2*binary.MaxVarintLen64 + 1
	for i := range res.Results {
		o := &res.Results[i]
		n += 2 + binary.MaxVarintLen64 + len(o.Key) + entrySizeBound(&o.Entry)
	}
	return n
}

// entrySizeBound returns a size no smaller than e's encoding.
func entrySizeBound(e *Entry) int {
	return 5*binary.MaxVarintLen64 + len(e.Key) + len(e.Value)
}
