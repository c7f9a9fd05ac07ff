package mux

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// headerLen is the size of the handshake a dialer writes before any Raft
// traffic: a magic byte, a version byte and the 8-byte big-endian group ID.
const headerLen = 10

const (
	headerMagic   byte = 0x74 // 't', for treekv
	headerVersion byte = 1
)

// Errors of decodeHeader; the accepting side logs them and closes the conn.
var (
	errHeaderSize = errors.New("mux: header has the wrong size")
	errBadMagic   = errors.New("mux: header has a bad magic byte")
	errBadVersion = errors.New("mux: header has an unsupported version")
)

// encodeHeader returns the handshake that names group.
func encodeHeader(group uint64) [headerLen]byte {
	var h [headerLen]byte
	h[0] = headerMagic
	h[1] = headerVersion
	binary.BigEndian.PutUint64(h[2:], group)
	return h
}

// decodeHeader returns the group a handshake names. b must be exactly
// headerLen bytes with the expected magic and version.
func decodeHeader(b []byte) (uint64, error) {
	switch {
	case len(b) != headerLen:
		return 0, fmt.Errorf("%w: %d bytes, want %d", errHeaderSize, len(b), headerLen)
	case b[0] != headerMagic:
		return 0, fmt.Errorf("%w: %#x", errBadMagic, b[0])
	case b[1] != headerVersion:
		return 0, fmt.Errorf("%w: %d", errBadVersion, b[1])
	}
	return binary.BigEndian.Uint64(b[2:]), nil
}
