package main

import (
	"fmt"
	"strings"
)

// parseDialRewrite reads a comma-separated list of "addr=dialAddr" entries:
// a Raft dial to addr connects to dialAddr instead. Every address must be a
// host:port, and no addr may appear twice.
func parseDialRewrite(s string) (map[string]string, error) {
	rewrite := map[string]string{}
	for i, entry := range strings.Split(s, ",") {
		from, to, ok := strings.Cut(strings.TrimSpace(entry), "=")
		if !ok {
			return nil, fmt.Errorf("entry %d (%q): want addr=dialAddr", i+1, entry)
		}
		if err := checkAddr("Raft", from); err != nil {
			return nil, fmt.Errorf("entry %d (%q): %w", i+1, entry, err)
		}
		if err := checkAddr("dial", to); err != nil {
			return nil, fmt.Errorf("entry %d (%q): %w", i+1, entry, err)
		}
		if _, dup := rewrite[from]; dup {
			return nil, fmt.Errorf("entry %d: %s appears twice", i+1, from)
		}
		rewrite[from] = to
	}
	return rewrite, nil
}
