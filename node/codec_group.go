package node

import "encoding/binary"

// groupFormat is the first byte of a log entry that carries several
// commands; a single command's entry starts with commandFormat.
const groupFormat = 2

// appendGroup appends a log entry carrying the encoded commands cmds, each an
// AppendCommand encoding: the format byte (2), the number of commands, then
// each command prefixed with its length, all as uvarints.
func appendGroup(dst []byte, cmds [][]byte) []byte {
	dst = append(dst, groupFormat)
	dst = binary.AppendUvarint(dst, uint64(len(cmds)))
	for _, c := range cmds {
		dst = appendBytes(dst, c)
	}
	return dst
}

// decodeGroup splits an entry made by appendGroup into its commands'
// encodings, views into b. It fails with an error wrapping ErrBadRequest on
// a truncated or malformed group, a group of no command, or trailing bytes.
func decodeGroup(b []byte) ([][]byte, error) {
	d := newDecoder(b)
	if v := d.Octet("format version"); d.Err() == nil && v != groupFormat {
		return nil, Errorf(ErrBadRequest, "decode command group: unknown format version %d", v)
	}
	n := d.count("group size", 1)
	if d.Err() == nil && n == 0 {
		d.Fail("empty command group")
	}
	cmds := make([][]byte, 0, n)
	for range n {
		cmds = append(cmds, d.Bytes("grouped command"))
	}
	if d.Err() == nil && d.Len() > 0 {
		d.Fail("%d trailing bytes", d.Len())
	}
	if d.Err() != nil {
		return nil, d.Err()
	}
	return cmds, nil
}
