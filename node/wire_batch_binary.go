package node

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// BatchContentType is the media type of the binary form of POST /v1/batch
// bodies, which the Go client sends and asks for (in Accept) in place of
// JSON: the same fields, without JSON's parsing and base64. Every string
// and byte string is its length as a uvarint followed by its bytes; every
// count and status is a uvarint.
//
//	request:  count, then per request: method, path, idempotency key, body
//	response: count, then per result: status, header count, then per
//	          header: name, value; then body
const BatchContentType = "application/vnd.treekv.batch"

// errShortBatch reports a binary batch that ends inside a field.
var errShortBatch = errors.New("binary batch ends inside a field")

// AppendBatchRequest appends the binary form of ops to dst.
func AppendBatchRequest(dst []byte, ops []BatchOp) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(ops)))
	for _, op := range ops {
		dst = appendField(dst, op.Method)
		dst = appendField(dst, op.Path)
		dst = appendField(dst, op.IdempotencyKey)
		dst = appendField(dst, op.Body)
	}
	return dst
}

// ParseBatchRequest reads the binary form of a batch's requests. Bodies
// alias b. It checks the encoding only; serveBatch checks the requests.
func ParseBatchRequest(b []byte) ([]BatchOp, error) {
	r := batchReader{b: b}
	n := r.count(4) // the smallest request is four empty fields
	ops := make([]BatchOp, 0, n)
	for range n {
		op := BatchOp{Method: string(r.field()), Path: string(r.field()), IdempotencyKey: string(r.field())}
		if body := r.field(); len(body) > 0 {
			op.Body = body
		}
		ops = append(ops, op)
	}
	return ops, r.end()
}

// AppendBatchResponse appends the binary form of results to dst.
func AppendBatchResponse(dst []byte, results []BatchResult) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(results)))
	for _, res := range results {
		dst = binary.AppendUvarint(dst, uint64(res.Status))
		dst = binary.AppendUvarint(dst, uint64(len(res.Header)))
		for name, value := range res.Header {
			dst = appendField(dst, name)
			dst = appendField(dst, value)
		}
		dst = appendField(dst, res.Body)
	}
	return dst
}

// ParseBatchResponse reads the binary form of a batch's results. Bodies
// alias b.
func ParseBatchResponse(b []byte) ([]BatchResult, error) {
	r := batchReader{b: b}
	n := r.count(3) // the smallest result: status, no header, empty body
	results := make([]BatchResult, 0, n)
	for range n {
		res := BatchResult{Status: int(r.uvarint(999))}
		if h := r.count(2); h > 0 {
			res.Header = make(map[string]string, h)
			for range h {
				name := string(r.field())
				res.Header[name] = string(r.field())
			}
		}
		if body := r.field(); len(body) > 0 {
			res.Body = body
		}
		results = append(results, res)
	}
	return results, r.end()
}

func appendField[T string | []byte](dst []byte, v T) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(v)))
	return append(dst, v...)
}

// batchReader reads a binary batch; its first error is sticky, and every
// read after it returns zero values.
type batchReader struct {
	b   []byte
	err error
}

// uvarint reads a uvarint of at most limit.
func (r *batchReader) uvarint(limit uint64) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	switch {
	case n <= 0:
		r.err = errShortBatch
		return 0
	case n > 1 && r.b[n-1] == 0:
		r.err = errors.New("binary batch: a number not in its shortest form")
		return 0
	case v > limit:
		r.err = fmt.Errorf("binary batch: %d is over the limit of %d", v, limit)
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a count of items of at least minSize bytes each, which the
// bytes left must be able to hold.
func (r *batchReader) count(minSize int) int {
	return int(r.uvarint(uint64(len(r.b) / minSize)))
}

// field reads a length-prefixed field, aliasing r's bytes.
func (r *batchReader) field() []byte {
	n := r.uvarint(math.MaxInt32)
	if r.err == nil && n > uint64(len(r.b)) {
		r.err = errShortBatch
	}
	if r.err != nil {
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

// end returns the first error, or one for bytes left after the batch.
func (r *batchReader) end() error {
	if r.err == nil && len(r.b) > 0 {
		r.err = fmt.Errorf("binary batch: %d bytes after its end", len(r.b))
	}
	return r.err
}
