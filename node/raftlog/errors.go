package raftlog

import "errors"

var (
	// ErrClosed is returned by every call on a Log, or on a GroupStore of
	// it, after Close.
	ErrClosed = errors.New("raftlog: log is closed")

	// ErrKeyNotFound is returned by the stable-store getters for a key
	// never set. Its message is "not found" because hashicorp/raft
	// recognises a missing term or vote by that text.
	ErrKeyNotFound = errors.New("not found")

	// ErrCorrupt is returned by Open when a segment holds a record that
	// fails its checksum or does not decode anywhere but at the tail of
	// the last segment, or when the records contradict each other.
	ErrCorrupt = errors.New("raftlog: corrupt log")

	// ErrNotContiguous is returned when a write would leave a gap or a
	// hole in a group's entries: StoreLogs with indexes that do not follow
	// on from the group's last entry (or from each other), or DeleteRange
	// of entries strictly inside the group's range. Nothing is written.
	ErrNotContiguous = errors.New("raftlog: entries would not be contiguous")

	// ErrTooLarge is returned for an entry or stable value larger than a
	// record can hold (256 MiB). Nothing is written.
	ErrTooLarge = errors.New("raftlog: record too large")

	// ErrLocked is returned by Open when another Log, in this process or
	// another, has the directory open.
	ErrLocked = errors.New("raftlog: directory is locked by another log")
)
