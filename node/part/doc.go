// Package part decides where keys live: it maps each key to a position in a
// byte-string position space (Partitioner), splits that space into
// contiguous ranges (Range), describes which nodes replicate each range (Map)
// and builds the first placement of a new cluster (Plan).
//
// Two partitioners exist. HashPartitioner places a key at a fixed 64-bit hash
// of it (only the {tag} part of keys that have one, as in Redis Cluster, so
// related keys share a partition); its positions are 8 bytes, big-endian, and
// never change across processes or releases. RangePartitioner places a key at
// itself, so a scan reads only the partitions its key range overlaps.
//
// A Map is a value: build it, Validate it, then share it read-only. Its
// methods never modify it and are safe for concurrent use as long as nobody
// mutates the map; to change a map, Clone it, edit the copy, raise Version
// (and the Epoch of every changed partition) and publish the copy.
package part
