package node

import "encoding/binary"

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
	d := decoder{b: b}
	if v := d.octet("format version"); d.err == nil && v != commandFormat {
		return nil, Errorf(ErrBadRequest, "decode command: unknown format version %d", v)
	}
	c := &Command{IdempotencyKey: string(d.bytes("idempotency key"))}
	c.ProposedAt = d.varint("proposal time")
	c.Compares = d.compares()
	c.Success = d.ops()
	c.Failure = d.ops()
	if d.err == nil && len(d.b) > 0 {
		d.fail("%d trailing bytes", len(d.b))
	}
	if d.err != nil {
		return nil, d.err
	}
	return c, nil
}

// decoder reads an encoded command. Its error is sticky: after the first
// failure every read returns a zero value, so callers check err once. The
// argument what of each read names the field for error messages; callers
// pass constants so that decoding builds no strings.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = Errorf(ErrBadRequest, "decode command: "+format, args...)
	}
}

func (d *decoder) octet(what string) byte {
	if d.err != nil {
		return 0
	}
	if len(d.b) == 0 {
		d.fail("truncated before %s", what)
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
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
		d.fail("bad or truncated %s", what)
		return 0
	}
	d.b = d.b[n:]
	return v
}

// bytes reads a length-prefixed byte string; the result aliases the input.
func (d *decoder) bytes(what string) []byte {
	n := d.uvarint(what)
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail("%s of %d bytes overruns the %d bytes left", what, n, len(d.b))
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

// key reads a non-empty key.
func (d *decoder) key(what string) string {
	k := d.bytes(what)
	if d.err == nil && len(k) == 0 {
		d.fail("empty %s", what)
	}
	return string(k)
}

// count reads a number of items of at least minSize bytes each, refusing a
// count the remaining bytes cannot hold.
func (d *decoder) count(what string, minSize int) int {
	n := d.uvarint(what)
	if d.err == nil && n > uint64(len(d.b)/minSize) {
		d.fail("%s %d cannot fit in %d bytes", what, n, len(d.b))
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
	c.Target = CompareTarget(d.octet("compare target"))
	c.Op = CompareOp(d.octet("compare op"))
	c.Key = d.key("compare key")
	if d.err != nil {
		return
	}
	if c.Op < CmpEqual || c.Op > CmpGreater {
		d.fail("unknown compare op %d", c.Op)
	}
	switch c.Target {
	case TargetMod, TargetCreate, TargetVersion:
		c.Number = d.uvarint("compare number")
	case TargetValue:
		c.Value = nonEmpty(d.bytes("compare value"))
	default:
		d.fail("unknown compare target %d", c.Target)
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
	op.Kind = OpKind(d.octet("op kind"))
	op.Key = d.key("op key")
	if d.err != nil {
		return
	}
	switch op.Kind {
	case OpGet, OpDelete:
	case OpPut:
		op.Value = nonEmpty(d.bytes("op value"))
	default:
		d.fail("unknown op kind %d", op.Kind)
	}
}

// nonEmpty returns b, or nil when b is empty.
func nonEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
