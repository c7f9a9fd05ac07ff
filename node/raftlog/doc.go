// Package raftlog is one Raft log store shared by all the Raft groups of a
// node, with group commit.
//
// A node runs one Raft group per partition it holds a replica of. Given a
// store each, every group pays its own fsync and batches shrink to a single
// entry. Here the groups share one append-only log: Open it once per data
// directory and take a GroupStore per group with Log.Group. A GroupStore
// is a raft.LogStore, a raft.StableStore and a raft.MonotonicLogStore.
//
// # Guarantees
//
//   - Durability: StoreLogs, DeleteRange, Set, SetUint64 and DropGroup
//     return nil only once their records are written and fsynced. Raft's
//     term and vote go through the same log, so they are as durable as the
//     entries.
//   - Group commit: one writer goroutine takes every write queued by any
//     group, writes them as one batch, fsyncs once and answers them all.
//     Writes queued while a commit's fsync runs form the next commit
//     (optionally written and fsynced at once, see
//     Options.ConcurrentSyncs); commits are answered in order, each only
//     once its own fsync and every fsync that overlapped it returned
//     without error. Stats reports the fsyncs
//     and commits, fewer than the writes under concurrency.
//   - Failure: once a write or an fsync fails, every write in flight and
//     every later one answers that error (the page cache cannot be trusted
//     after a failed fsync); reads go on serving what was acknowledged.
//   - Contiguity: a group's entries have no gaps. StoreLogs continues the
//     group, or replaces its entries from an index within its range (as a
//     follower does after a conflict); DeleteRange removes a prefix (after
//     a snapshot), a suffix or everything. Other writes answer
//     ErrNotContiguous and change nothing.
//   - Crash recovery: Open replays every segment in order and checks every
//     record's checksum. A record torn by a crash can only be at the tail
//     of the last segment, after every acknowledged write (each commit
//     starts after the previous one is fsynced), and is cut off. A damaged
//     record anywhere else, or records that contradict each other, make
//     Open fail with ErrCorrupt rather than lose acknowledged data. (A
//     damaged record at the tail of the last segment cannot be told from a
//     torn one.) Zeros after the last record are the segment's reserved
//     space (see Format), not damage: Open keeps them and cuts nothing.
//
// # Format
//
// The directory holds segment files named by a 10-digit sequence number,
// "0000000001.seg", a LOCK file (an advisory lock held while open), and
// for a moment during rotation a ".tmp" file. A segment starts with a
// 16-byte header: the magic "TKVRLOG1", the segment's number (uint32) and
// a CRC-32C of those 12 bytes. Records follow, each:
//
//	crc32c  uint32  CRC-32C (Castagnoli) of every byte after this field
//	length  uint32  length of the body
//	kind    uint8   1 entry, 2 delete range, 3 stable value, 4 drop group
//	group   uint64  the Raft group
//	...             by kind:
//	  entry:  index u64, term u64, type u8, appended-at i64 (Unix ns, 0 for
//	          the zero time), data length u32, data, extensions (the rest)
//	  delete: min u64, max u64 (DeleteRange, inclusive)
//	  stable: key length u32, key, value (the rest)
//	  drop:   nothing
//
// The file is filled with zeros ahead of the records, up to the next 4 MiB
// past them, and records are written over the zeros: a sync of blocks the
// file already has flushes the data alone (fdatasync), not the size and
// extents of a growing file. A segment is cut to its records when the next
// one starts.
//
// Integers are little-endian. An entry record for index i of a group
// replaces the group's entries from i on, which is how a follower's
// conflicting suffix is overwritten; a delete record is replayed exactly as
// DeleteRange ran. Empty Data or Extensions read back as nil.
//
// # Segments and garbage collection
//
// Once the active segment reaches Options.SegmentSize, the next commit
// goes to a new segment, written under a temporary name with a checkpoint
// of every group's stable values, fsynced and renamed into place. A
// segment is removed, oldest first, once every group's first entry lies in
// a later one. Since a record only ever deletes entries written before it,
// replaying the remaining segments yields exactly the live entries, and
// the checkpoint supplies the stable values. A group that keeps old entries
// (one that never snapshots) keeps every later segment too.
//
// # Memory
//
// Entries are read from the files on GetLog (through the page cache); in
// memory each group keeps 16 bytes per entry (segment, offset, size) and
// its stable values. Wrap a GroupStore in raft.NewLogCache to serve recent
// entries from memory.
package raftlog
