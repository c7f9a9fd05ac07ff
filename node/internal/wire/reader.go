// Package wire reads the fields the node's binary formats are built from:
// varints, single bytes and length-prefixed byte strings.
package wire

import "encoding/binary"

// Reader reads fields from a byte slice. Its error is sticky: after the
// first failure every read returns a zero value, so callers check Err once.
// The argument what of each read names the field for error messages;
// callers pass constants so that reading builds no strings.
type Reader struct {
	b       []byte
	err     error
	failure func(format string, args ...any) error
}

// NewReader returns a reader of b whose errors failure makes, from a
// message format and its arguments.
func NewReader(b []byte, failure func(format string, args ...any) error) Reader {
	return Reader{b: b, failure: failure}
}

// Err returns the first failure, or nil.
func (r *Reader) Err() error { return r.err }

// Len returns how many bytes are left to read.
func (r *Reader) Len() int { return len(r.b) }

// Rest returns the bytes left to read, a view into the input.
func (r *Reader) Rest() []byte { return r.b }

// Fail records a failure, unless one was recorded before.
func (r *Reader) Fail(format string, args ...any) {
	if r.err == nil {
		r.err = r.failure(format, args...)
	}
}

// Octet reads one byte.
func (r *Reader) Octet(what string) byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) == 0 {
		r.Fail("truncated before %s", what)
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

// Uvarint reads an unsigned varint.
func (r *Reader) Uvarint(what string) uint64 {
	v, n := binary.Uvarint(r.b)
	if !r.skipVarint(n, what) {
		return 0
	}
	return v
}

// Varint reads a signed varint.
func (r *Reader) Varint(what string) int64 {
	v, n := binary.Varint(r.b)
	if !r.skipVarint(n, what) {
		return 0
	}
	return v
}

// skipVarint moves past a varint that binary's decoder read in n bytes
// (none or fewer: a bad one) and reports whether the read stands.
func (r *Reader) skipVarint(n int, what string) bool {
	if r.err != nil {
		return false
	}
	if n <= 0 {
		r.Fail("bad or truncated %s", what)
		return false
	}
	r.b = r.b[n:]
	return true
}

// Bytes reads a byte string prefixed by its length as a uvarint. The result
// aliases the input, capped at its length; it is nil when empty.
func (r *Reader) Bytes(what string) []byte {
	n := r.Uvarint(what)
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.Fail("%s of %d bytes overruns the %d bytes left", what, n, len(r.b))
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	if n == 0 {
		return nil
	}
	return v
}
