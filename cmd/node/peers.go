package main

import (
	"fmt"
	"net"
	"strings"

	"github.com/treekv/kv/node/part"
)

// parsePeers reads a comma-separated list of "id=httpAddr@raftAddr" entries,
// in order. IDs must be distinct and every address a host:port.
func parsePeers(s string) ([]part.NodeInfo, error) {
	var peers []part.NodeInfo
	seen := map[string]bool{}
	for i, entry := range strings.Split(s, ",") {
		info, err := parsePeer(strings.TrimSpace(entry))
		if err != nil {
			return nil, fmt.Errorf("peer %d (%q): %w", i+1, entry, err)
		}
		if seen[info.ID] {
			return nil, fmt.Errorf("peer %d: node ID %q appears twice", i+1, info.ID)
		}
		seen[info.ID] = true
		peers = append(peers, info)
	}
	return peers, nil
}

func parsePeer(entry string) (part.NodeInfo, error) {
	id, addrs, ok := strings.Cut(entry, "=")
	if !ok || id == "" {
		return part.NodeInfo{}, fmt.Errorf("want id=httpAddr@raftAddr")
	}
	httpAddr, raftAddr, ok := strings.Cut(addrs, "@")
	if !ok {
		return part.NodeInfo{}, fmt.Errorf("want id=httpAddr@raftAddr: no @ between the addresses")
	}
	if err := checkAddr("HTTP", httpAddr); err != nil {
		return part.NodeInfo{}, err
	}
	if err := checkAddr("Raft", raftAddr); err != nil {
		return part.NodeInfo{}, err
	}
	return part.NodeInfo{ID: id, HTTPAddr: httpAddr, RaftAddr: raftAddr}, nil
}

// checkAddr requires a host:port with both parts present, since peers must
// be able to dial it.
func checkAddr(what, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s address %q: %w", what, addr, err)
	}
	if host == "" || port == "" || port == "0" {
		return fmt.Errorf("%s address %q needs a host and a port other peers can dial", what, addr)
	}
	return nil
}

// findPeer returns the entry of node id.
func findPeer(peers []part.NodeInfo, id string) (part.NodeInfo, bool) {
	for _, p := range peers {
		if p.ID == id {
			return p, true
		}
	}
	return part.NodeInfo{}, false
}

// checkDialable requires an address that others can dial: a host that is
// not a wildcard, and a port.
func checkDialable(what, addr string) error {
	if err := checkAddr(what, addr); err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return fmt.Errorf("%s address %q is a wildcard: give one the controller and the other nodes can dial", what, addr)
	}
	return nil
}
