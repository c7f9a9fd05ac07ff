package node

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/treekv/kv/node/part"
	"golang.org/x/sync/errgroup"
)

// serveScan answers GET /v1/scan: it reads every partition the range
// covers, in parallel, merges their keys in byte order and cuts one page.
func (n *Node) serveScan(w http.ResponseWriter, r *http.Request) {
	stale, err := consistency(r)
	if err != nil {
		writeError(w, err)
		return
	}
	rng, err := parseScan(r, n.cfg.Limits.MaxScanLimit)
	if err != nil {
		writeError(w, err)
		return
	}
	items, err := n.scanAll(r, rng, stale)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, page(items, rng.limit))
}

// page cuts the merged items to limit; a full page gets a next cursor.
func page(items []ScanItem, limit int) ScanResponse {
	if len(items) <= limit {
		return ScanResponse{Items: items}
	}
	items = items[:limit]
	return ScanResponse{Items: items, Next: encodeCursor(items[limit-1].Key)}
}

// scanAll gathers up to limit+1 keys from each covering partition, so the
// merge knows whether keys remain past the page.
func (n *Node) scanAll(r *http.Request, rng scanRange, stale bool) ([]ScanItem, error) {
	items := []ScanItem{}
	if rng.empty() {
		return items, nil
	}
	m, err := n.currentMap()
	if err != nil {
		return nil, err
	}
	parts := m.Covering([]byte(rng.start), []byte(rng.end))
	results := make([][]ScanItem, len(parts))
	g, ctx := errgroup.WithContext(r.Context())
	fetch := scanRange{start: rng.start, end: rng.end, limit: rng.limit + 1}
	for i, p := range parts {
		g.Go(func() (err error) {
			results[i], err = n.scanPartition(ctx, r, m, p, fetch, stale)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, res := range results {
		items = append(items, res...)
	}
	slices.SortFunc(items, func(a, b ScanItem) int { return strings.Compare(a.Key, b.Key) })
	return items, nil
}

// scanPartition reads rng from partition p: locally when this node may
// answer, otherwise from the leader or a replica through its partition scan.
func (n *Node) scanPartition(ctx context.Context, r *http.Request, m *part.Map, p part.Partition, rng scanRange, stale bool) ([]ScanItem, error) {
	rep, ok := n.Replica(p.ID)
	if !ok {
		return n.remoteScan(ctx, r, m, n.anyReplica(p), p.ID, rng, stale)
	}
	var items []ScanItem
	err := n.runLocal(r.WithContext(ctx), rep, readMode(stale), func(rep *Replica) error {
		items = scanItems(rep.FSM().Scan(rng.start, rng.end, rng.limit))
		return nil
	})
	var nl *NotLeaderError
	if errors.As(err, &nl) && nl.LeaderID != "" {
		return n.remoteScan(ctx, r, m, nl.LeaderID, p.ID, rng, stale)
	}
	if errors.As(err, &nl) {
		return nil, Errorf(ErrUnavailable, "partition %d has no leader at the moment", p.ID)
	}
	return items, err
}

func scanItems(entries []Entry) []ScanItem {
	items := make([]ScanItem, len(entries))
	for i, e := range entries {
		items[i] = ScanItem{Key: e.Key, Value: e.Value, Revision: e.ModRevision}
	}
	return items
}

// servePartitionScan answers GET /v1/partitions/{id}/scan, the per-partition
// read that serveScan fans out to other nodes.
func (n *Node) servePartitionScan(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, Errorf(ErrBadRequest, "partition ID %q is not a number", r.PathValue("id")))
		return
	}
	stale, err := consistency(r)
	if err != nil {
		writeError(w, err)
		return
	}
	rng, err := parseScan(r, n.cfg.Limits.MaxScanLimit+1)
	if err != nil {
		writeError(w, err)
		return
	}
	m, err := n.currentMap()
	if err != nil {
		writeError(w, err)
		return
	}
	p, ok := m.Partition(id)
	if !ok {
		writeError(w, Errorf(ErrNotFound, "partition %d is not in the map", id))
		return
	}
	n.servePartition(w, r, m, p, nil, readMode(stale), func(rep *Replica) error {
		writeJSON(w, http.StatusOK, ScanResponse{Items: scanItems(rep.FSM().Scan(rng.start, rng.end, rng.limit))})
		return nil
	})
}
