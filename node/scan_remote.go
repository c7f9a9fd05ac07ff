package node

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/treekv/kv/node/part"
)

// maxScanBody caps a partition scan answer read from another node.
const maxScanBody = 256 << 20

// remoteScan reads rng of partition pid from node id.
func (n *Node) remoteScan(ctx context.Context, r *http.Request, m *part.Map, id string, pid uint64, rng scanRange, stale bool) ([]ScanItem, error) {
	info, ok := m.Node(id)
	if !ok || id == n.cfg.ID {
		return nil, Errorf(ErrUnavailable, "no address known for node %q", id)
	}
	hops := forwardHops(r)
	if hops >= maxHops {
		return nil, Errorf(ErrUnavailable, "scan forwarded %d times without reaching a leader", hops)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, partitionScanURL(info.HTTPAddr, pid, rng, stale), nil)
	if err != nil {
		return nil, Errorf(ErrInternal, "%v", err)
	}
	req.Header.Set(HeaderForwarded, strconv.Itoa(hops+1))
	resp, err := n.forward.transport.RoundTrip(req)
	if err != nil {
		return nil, Errorf(ErrUnavailable, "scan partition %d on node %s: %v", pid, id, err)
	}
	defer resp.Body.Close()
	return decodeScanAnswer(resp)
}

func partitionScanURL(addr string, pid uint64, rng scanRange, stale bool) string {
	q := url.Values{}
	q.Set("start", rng.start)
	q.Set("end", rng.end)
	q.Set("limit", strconv.Itoa(rng.limit))
	if stale {
		q.Set(ParamConsistency, ConsistencyStale)
	}
	return fmt.Sprintf("http://%s/v1/partitions/%d/scan?%s", addr, pid, q.Encode())
}

func decodeScanAnswer(resp *http.Response) ([]ScanItem, error) {
	body := io.LimitReader(resp.Body, maxScanBody)
	if resp.StatusCode != http.StatusOK {
		var eb ErrorBody
		if err := json.NewDecoder(body).Decode(&eb); err != nil {
			return nil, Errorf(ErrUnavailable, "partition scan answered %s", resp.Status)
		}
		return nil, Errorf(CodeError(eb.Error.Code), "%s", eb.Error.Message)
	}
	var sr ScanResponse
	if err := json.NewDecoder(body).Decode(&sr); err != nil {
		return nil, Errorf(ErrUnavailable, "decoding partition scan: %v", err)
	}
	return sr.Items, nil
}
