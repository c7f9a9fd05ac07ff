package controller

import "github.com/treekv/kv/node"

// maxNodeIDLen bounds a node ID, which appears in URL paths, Raft server
// IDs and logs.
const maxNodeIDLen = 64

// checkNodeID refuses a node ID that is too long or holds anything but
// letters, digits and . - _, so an ID is safe in a path segment and a
// file name.
func checkNodeID(id string) error {
	if len(id) > maxNodeIDLen {
		return node.Errorf(node.ErrBadRequest, "node id is %d bytes, over the limit of %d", len(id), maxNodeIDLen)
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return node.Errorf(node.ErrBadRequest, "node id %q holds %q: use letters, digits and . - _", id, c)
		}
	}
	return nil
}
