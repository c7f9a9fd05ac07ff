package node

import "encoding/binary"

// A result is encoded, in snapshots and in the idempotency table, as its
// revision, succeeded (one byte), op result count, then per op result its
// kind (one byte), key, found (one byte) and entry: key, value, create, mod,
// version. Numbers are uvarints and strings length-prefixed.

// appendEntry appends the encoding of e to dst.
func appendEntry(dst []byte, e *Entry) []byte {
	dst = appendBytes(dst, e.Key)
	dst = appendBytes(dst, e.Value)
	dst = binary.AppendUvarint(dst, e.CreateRevision)
	dst = binary.AppendUvarint(dst, e.ModRevision)
	return binary.AppendUvarint(dst, e.Version)
}

// appendResult appends the encoding of r to dst.
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

// appendBool appends b as one byte, 0 or 1.
func appendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, 1)
	}
	return append(dst, 0)
}

// decodeResult decodes a result that appendResult encoded. Byte strings of
// the result alias b.
func decodeResult(b []byte) (Result, error) {
	d := newDecoder(b)
	r := Result{Revision: d.Uvarint("result revision"), Succeeded: d.flag("result succeeded")}
	if n := d.count("op result count", minOpResultSize); n > 0 {
		r.Results = make([]OpResult, n)
		for i := range r.Results {
			o := &r.Results[i]
			o.Kind = OpKind(d.Octet("op result kind"))
			o.Key = string(d.Bytes("op result key"))
			o.Found = d.flag("op result found")
			o.Entry = d.entry()
		}
	}
	if d.Err() == nil && d.Len() > 0 {
		d.Fail("%d trailing bytes after a result", d.Len())
	}
	return r, d.Err()
}

// minOpResultSize is the fewest bytes an encoded op result takes.
const minOpResultSize = 9

// entry reads an entry that appendEntry encoded; an empty value is nil.
func (d *decoder) entry() Entry {
	return Entry{
		Key:            string(d.Bytes("entry key")),
		Value:          nonEmpty(d.Bytes("entry value")),
		CreateRevision: d.Uvarint("entry create revision"),
		ModRevision:    d.Uvarint("entry mod revision"),
		Version:        d.Uvarint("entry version"),
	}
}

// flag reads a boolean that appendBool encoded.
func (d *decoder) flag(what string) bool {
	switch v := d.Octet(what); v {
	case 0, 1:
		return v == 1
	default:
		d.Fail("bad %s %d", what, v)
		return false
	}
}
