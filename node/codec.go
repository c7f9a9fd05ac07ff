package node

import (
	"encoding/binary"

	"github.com/treekv/kv/node/internal/wire"
)

// commandFormat is the first byte of every encoded Command.
const commandFormat = 1

// Smallest encodings of a compare (target, op, key length, one key byte,
// operand) and of an op (kind, key length, one key byte), used to refuse a
// count that the remaining bytes cannot hold before allocating for it.
const (
	minCompareSize = 5
	minOpSize      = 3
)

// EncodeCommand returns the binary encoding of c; see AppendCommand.
func EncodeCommand(c *Command) []byte {
	return AppendCommand(make([]byte, 0, commandSizeHint(c)), c)
}

// AppendCommand appends the binary encoding of c to dst and returns the
// extended slice. The encoding is a format version byte (1), the idempotency
// key, ProposedAt, the compares, then the success and failure ops; numbers are
// varints and strings and byte slices are length-prefixed. Only the fields a
// compare's target or an op's kind uses are written (Number for numeric
// targets, Value for TargetValue and OpPut), so DecodeCommand gives back c up
// to those unused fields, with empty byte slices as nil.
func AppendCommand(dst []byte, c *Command) []byte {
	dst = append(dst, commandFormat)
	dst = appendBytes(dst, c.IdempotencyKey)
	dst = binary.AppendVarint(dst, c.ProposedAt)
	return appendCommandBody(dst, c)
}

// appendCommandBody appends what a command asks for, without its idempotency
// key and proposal time: the part two retries of one request share.
func appendCommandBody(dst []byte, c *Command) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(c.Compares)))
	for i := range c.Compares {
		dst = appendCompare(dst, &c.Compares[i])
	}
	dst = appendOps(dst, c.Success)
	return appendOps(dst, c.Failure)
}

func appendCompare(dst []byte, c *Compare) []byte {
	dst = append(dst, byte(c.Target), byte(c.Op))
	dst = appendBytes(dst, c.Key)
	if c.Target == TargetValue {
		return appendBytes(dst, c.Value)
	}
	return binary.AppendUvarint(dst, c.Number)
}

func appendOps(dst []byte, ops []Op) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(ops)))
	for i := range ops {
		dst = append(dst, byte(ops[i].Kind))
		dst = appendBytes(dst, ops[i].Key)
		if ops[i].Kind == OpPut {
			dst = appendBytes(dst, ops[i].Value)
		}
	}
	return dst
}

// appendBytes appends b prefixed with its length as a uvarint.
func appendBytes[T string | []byte](dst []byte, b T) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

// commandSizeHint returns a size no smaller than c's encoding, so that
// EncodeCommand allocates once.
func commandSizeHint(c *Command) int {
	n := 1 + 2*binary.MaxVarintLen64 + len(c.IdempotencyKey)
	for i := range c.Compares {
		n += 2 + 2*binary.MaxVarintLen64 + len(c.Compares[i].Key) + len(c.Compares[i].Value)
	}
	for _, ops := range [][]Op{c.Success, c.Failure} {
		n += binary.MaxVarintLen64
		for i := range ops {
			n += 1 + 2*binary.MaxVarintLen64 + len(ops[i].Key) + len(ops[i].Value)
		}
	}
	return n
}

// DecodeCommand decodes a Command encoded by AppendCommand. It never panics
// and allocates in proportion to len(b) at most. It fails with an error
// wrapping ErrBadRequest on a truncated or malformed encoding, an unknown
// format version, op kind, compare target or compare op, an empty key, or
// trailing bytes. The returned command's keys and idempotency key are
// copies, but its byte values (of puts and of value compares) are views into
// b, capped at their length: b must stay unchanged while the command is in
// use, and nobody may write to those values. The state machine decodes each
// log entry, applies it and copies what it keeps, so one copy of each value
// is made, not two.
func DecodeCommand(b []byte) (*Command, error) {
	d := newDecoder(b)
	if v := d.Octet("format version"); d.Err() == nil && v != commandFormat {
		return nil, Errorf(ErrBadRequest, "decode command: unknown format version %d", v)
	}
	c := &Command{IdempotencyKey: string(d.Bytes("idempotency key"))}
	c.ProposedAt = d.Varint("proposal time")
	c.Compares = d.compares()
	c.Success = d.ops()
	c.Failure = d.ops()
	if d.Err() == nil && d.Len() > 0 {
		d.Fail("%d trailing bytes", d.Len())
	}
	if d.Err() != nil {
		return nil, d.Err()
	}
	return c, nil
}

// decoder reads an encoded command (and the group and result encodings
// built from the same fields); its errors are ErrBadRequest.
type decoder struct{ wire.Reader }

// newDecoder returns a decoder of b.
func newDecoder(b []byte) decoder {
	return decoder{wire.NewReader(b, func(format string, args ...any) error {
		return Errorf(ErrBadRequest, "decode command: "+format, args...)
	})}
}

// key reads a non-empty key.
func (d *decoder) key(what string) string {
	k := d.Bytes(what)
	if d.Err() == nil && len(k) == 0 {
		d.Fail("empty %s", what)
	}
	return string(k)
}

// count reads a number of items of at least minSize bytes each, refusing a
// count the remaining bytes cannot hold.
func (d *decoder) count(what string, minSize int) int {
	n := d.Uvarint(what)
	if d.Err() == nil && n > uint64(d.Len()/minSize) {
		d.Fail("%s %d cannot fit in %d bytes", what, n, d.Len())
		return 0
	}
	return int(n)
}

func (d *decoder) compares() []Compare {
	n := d.count("compare count", minCompareSize)
	if n == 0 {
		return nil
	}
	cs := make([]Compare, n)
	for i := range cs {
		d.compare(&cs[i])
	}
	return cs
}

func (d *decoder) compare(c *Compare) {
	c.Target = CompareTarget(d.Octet("compare target"))
	c.Op = CompareOp(d.Octet("compare op"))
	c.Key = d.key("compare key")
	if d.Err() != nil {
		return
	}
	if c.Op < CmpEqual || c.Op > CmpGreater {
		d.Fail("unknown compare op %d", c.Op)
	}
	switch c.Target {
	case TargetMod, TargetCreate, TargetVersion:
		c.Number = d.Uvarint("compare number")
	case TargetValue:
		c.Value = nonEmpty(d.Bytes("compare value"))
	default:
		d.Fail("unknown compare target %d", c.Target)
	}
}

func (d *decoder) ops() []Op {
	n := d.count("op count", minOpSize)
	if n == 0 {
		return nil
	}
	ops := make([]Op, n)
	for i := range ops {
		d.op(&ops[i])
	}
	return ops
}

func (d *decoder) op(op *Op) {
	op.Kind = OpKind(d.Octet("op kind"))
	op.Key = d.key("op key")
	if d.Err() != nil {
		return
	}
	switch op.Kind {
	case OpGet, OpDelete:
	case OpPut:
		op.Value = nonEmpty(d.Bytes("op value"))
	default:
		d.Fail("unknown op kind %d", op.Kind)
	}
}

// nonEmpty returns b, or nil when b is empty.
func nonEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
