package raftlog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/hashicorp/raft"
	"github.com/treekv/kv/node/internal/unixtime"
)

// recordKind tells what a record carries.
type recordKind uint8

const (
	kindEntry  recordKind = 1 // one raft.Log of a group
	kindDelete recordKind = 2 // DeleteRange(min, max) of a group
	kindStable recordKind = 3 // one stable-store key and its value
	kindDrop   recordKind = 4 // the group's entries and stable values removed
)

const (
	frameSize   = 8                  // crc32c u32 + body length u32
	bodyHeader  = 9                  // kind u8 + group u64
	entryFixed  = 8 + 8 + 1 + 8 + 4  // index, term, type, appended-at, data length
	deleteBody  = bodyHeader + 8 + 8 // min, max
	stableFixed = 4                  // key length
	maxBodySize = 256 << 20          // largest record body accepted
	maxEntrySum = maxBodySize - bodyHeader - entryFixed
)

// record is one decoded record. Byte slices alias the buffer it was
// decoded from.
type record struct {
	kind     recordKind
	group    uint64
	entry    raft.Log // kindEntry
	min, max uint64   // kindDelete
	key      []byte   // kindStable
	value    []byte   // kindStable
}

var (
	errTorn    = errors.New("record is incomplete")
	errBadBody = errors.New("record body is malformed")
	errCRC     = errors.New("record checksum mismatch")
)

func checksum(b []byte) uint32 {
	return crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli))
}

// beginRecord appends the frame and body header of a record whose body is
// bodyLen bytes long; sealRecord fills in the checksum once the body is
// complete.
func beginRecord(dst []byte, kind recordKind, group uint64, bodyLen int) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, 0)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(bodyLen))
	dst = append(dst, byte(kind))
	return binary.LittleEndian.AppendUint64(dst, group)
}

func sealRecord(dst []byte, start int) []byte {
	binary.LittleEndian.PutUint32(dst[start:], checksum(dst[start+4:]))
	return dst
}

// appendEntryRecord appends the record of one log entry of group to dst.
func appendEntryRecord(dst []byte, group uint64, l *raft.Log) ([]byte, error) {
	if err := checkEntrySize(len(l.Data) + len(l.Extensions)); err != nil {
		return dst, fmt.Errorf("entry %d: %w", l.Index, err)
	}
	start := len(dst)
	dst = beginRecord(dst, kindEntry, group, bodyHeader+entryFixed+len(l.Data)+len(l.Extensions))
	dst = binary.LittleEndian.AppendUint64(dst, l.Index)
	dst = binary.LittleEndian.AppendUint64(dst, l.Term)
	dst = append(dst, byte(l.Type))
	dst = binary.LittleEndian.AppendUint64(dst, uint64(unixtime.Encode(l.AppendedAt)))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(l.Data)))
	dst = append(dst, l.Data...)
	dst = append(dst, l.Extensions...)
	return sealRecord(dst, start), nil
}

// checkEntrySize refuses an entry whose data and extensions add up to n
// bytes when a record cannot hold them.
func checkEntrySize(n int) error {
	if n > maxEntrySum {
		return fmt.Errorf("%w: %d bytes of data and extensions, at most %d", ErrTooLarge, n, maxEntrySum)
	}
	return nil
}

// appendDeleteRecord appends the record of DeleteRange(min, max) of group.
func appendDeleteRecord(dst []byte, group, min, max uint64) []byte {
	start := len(dst)
	dst = beginRecord(dst, kindDelete, group, deleteBody)
	dst = binary.LittleEndian.AppendUint64(dst, min)
	dst = binary.LittleEndian.AppendUint64(dst, max)
	return sealRecord(dst, start)
}

// appendStableRecord appends the record of one stable-store value of group.
func appendStableRecord(dst []byte, group uint64, key, value []byte) ([]byte, error) {
	if len(key)+len(value) > maxBodySize-bodyHeader-stableFixed {
		return dst, fmt.Errorf("%w: stable value of %d bytes", ErrTooLarge, len(value))
	}
	start := len(dst)
	dst = beginRecord(dst, kindStable, group, bodyHeader+stableFixed+len(key)+len(value))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(key)))
	dst = append(dst, key...)
	dst = append(dst, value...)
	return sealRecord(dst, start), nil
}

// appendDropRecord appends the record that removes group entirely.
func appendDropRecord(dst []byte, group uint64) []byte {
	start := len(dst)
	dst = beginRecord(dst, kindDrop, group, bodyHeader)
	return sealRecord(dst, start)
}

// recordSize reads the frame at the start of b and returns the size of
// the whole record. errTorn means b is shorter than a frame.
func recordSize(b []byte) (int, error) {
	if len(b) < frameSize {
		return 0, errTorn
	}
	n := binary.LittleEndian.Uint32(b[4:])
	if n < bodyHeader || n > maxBodySize {
		return 0, fmt.Errorf("%w: body length %d", errBadBody, n)
	}
	return frameSize + int(n), nil
}

// decodeRecord decodes the record at the start of b and returns it with its
// size. It never panics: a short b answers errTorn, a checksum mismatch
// errCRC and a malformed body errBadBody.
func decodeRecord(b []byte) (record, int, error) {
	size, err := recordSize(b)
	if err != nil {
		return record{}, 0, err
	}
	if len(b) < size {
		return record{}, 0, errTorn
	}
	if checksum(b[4:size]) != binary.LittleEndian.Uint32(b) {
		return record{}, 0, errCRC
	}
	rec, err := decodeBody(b[frameSize:size])
	return rec, size, err
}

func decodeBody(body []byte) (record, error) {
	rec := record{kind: recordKind(body[0]), group: binary.LittleEndian.Uint64(body[1:])}
	rest := body[bodyHeader:]
	switch rec.kind {
	case kindEntry:
		return rec, decodeEntry(&rec, rest)
	case kindDelete:
		return rec, decodeDelete(&rec, rest)
	case kindStable:
		return rec, decodeStable(&rec, rest)
	case kindDrop:
		if len(rest) != 0 {
			return rec, fmt.Errorf("%w: drop record with %d extra bytes", errBadBody, len(rest))
		}
		return rec, nil
	}
	return rec, fmt.Errorf("%w: unknown kind %d", errBadBody, rec.kind)
}

func decodeEntry(rec *record, b []byte) error {
	if len(b) < entryFixed {
		return fmt.Errorf("%w: entry body of %d bytes", errBadBody, len(b))
	}
	dataLen := uint64(binary.LittleEndian.Uint32(b[25:]))
	if dataLen > uint64(len(b)-entryFixed) {
		return fmt.Errorf("%w: data length %d exceeds the body", errBadBody, dataLen)
	}
	e := &rec.entry
	e.Index = binary.LittleEndian.Uint64(b)
	e.Term = binary.LittleEndian.Uint64(b[8:])
	e.Type = raft.LogType(b[16])
	e.AppendedAt = unixtime.Decode(int64(binary.LittleEndian.Uint64(b[17:])))
	rest := b[entryFixed:]
	e.Data = nilIfEmpty(rest[:dataLen])
	e.Extensions = nilIfEmpty(rest[dataLen:])
	return nil
}

func decodeDelete(rec *record, b []byte) error {
	if len(b) != 16 {
		return fmt.Errorf("%w: delete body of %d bytes", errBadBody, len(b))
	}
	rec.min = binary.LittleEndian.Uint64(b)
	rec.max = binary.LittleEndian.Uint64(b[8:])
	return nil
}

func decodeStable(rec *record, b []byte) error {
	if len(b) < stableFixed {
		return fmt.Errorf("%w: stable body of %d bytes", errBadBody, len(b))
	}
	keyLen := uint64(binary.LittleEndian.Uint32(b))
	if keyLen > uint64(len(b)-stableFixed) {
		return fmt.Errorf("%w: key length %d exceeds the body", errBadBody, keyLen)
	}
	rec.key = b[stableFixed : stableFixed+keyLen]
	rec.value = b[stableFixed+keyLen:]
	return nil
}

func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
