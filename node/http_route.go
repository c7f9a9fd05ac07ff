package node

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/treekv/kv/node/part"
)

// serveMode says which replica may answer a request.
type serveMode int

const (
	modeLeader serveMode = iota // the leader only (writes)
	modeLinear                  // the leader, after a ReadIndex barrier
	modeStale                   // any replica, from its local state
)

func readMode(stale bool) serveMode {
	if stale {
		return modeStale
	}
	return modeLinear
}

// maxHops bounds how often a request is forwarded between nodes, so maps
// that briefly disagree cannot bounce it forever.
const maxHops = 3

// localFunc serves a request on a local replica. It writes the answer and
// returns nil, or returns an error without writing anything.
type localFunc func(rep *Replica) error

// serveKey serves a request for key's partition.
func (n *Node) serveKey(w http.ResponseWriter, r *http.Request, key string, body []byte, mode serveMode, fn localFunc) {
	m, err := n.currentMap()
	if err != nil {
		writeError(w, err)
		return
	}
	p, err := m.Locate(key)
	if err != nil {
		writeError(w, Errorf(ErrInternal, "locate key: %v", err))
		return
	}
	n.servePartition(w, r, m, p, body, mode, fn)
}

// servePartition runs fn on the local replica of p when it may answer in
// mode, and otherwise forwards the request (with body) to the node that can:
// the leader, or for a node without a replica, one that has one.
func (n *Node) servePartition(w http.ResponseWriter, r *http.Request, m *part.Map, p part.Partition, body []byte, mode serveMode, fn localFunc) {
	rep, ok := n.Replica(p.ID)
	if !ok {
		n.forwardTo(w, r, m, n.anyReplica(p), body)
		return
	}
	w.Header().Set(HeaderNode, n.cfg.ID)
	if err := n.runLocal(r, rep, mode, fn); err != nil {
		n.localFailed(w, r, m, p, body, err)
	}
}

// localFailed answers a request that the local replica of p did not serve:
// it forwards the request to the leader the replica names, or answers err.
func (n *Node) localFailed(w http.ResponseWriter, r *http.Request, m *part.Map, p part.Partition, body []byte, err error) {
	var nl *NotLeaderError
	switch {
	case errors.As(err, &nl) && nl.LeaderID != "":
		w.Header().Del(HeaderNode) // the node forwarded to names itself
		n.forwardTo(w, r, m, nl.LeaderID, body)
	case errors.As(err, &nl):
		writeError(w, Errorf(ErrUnavailable, "partition %d has no leader at the moment", p.ID))
	default:
		writeError(w, err)
	}
}

func (n *Node) runLocal(r *http.Request, rep *Replica, mode serveMode, fn localFunc) error {
	rep.requests.add()
	switch mode {
	case modeLinear:
		if brokenLinearizableReads() {
			break
		}
		if !rep.IsLeader() { // as ReadBarrier would answer, without a timer
			return rep.notLeader()
		}
		ctx, cancel := contextWithTimeout(r, n.cfg.WriteTimeout)
		defer cancel()
		if err := rep.ReadBarrier(ctx); err != nil {
			return err
		}
	case modeLeader:
		if !rep.IsLeader() {
			return rep.notLeader()
		}
	}
	return fn(rep)
}

// anyReplica picks the node to ask about p when this node hosts no replica:
// its preferred leader.
func (n *Node) anyReplica(p part.Partition) string {
	for _, id := range p.Replicas {
		if id != n.cfg.ID {
			return id
		}
	}
	return ""
}

// forwardTo sends the request on to node id.
func (n *Node) forwardTo(w http.ResponseWriter, r *http.Request, m *part.Map, id string, body []byte) {
	hops := forwardHops(r)
	if hops >= maxHops {
		writeError(w, Errorf(ErrUnavailable, "request forwarded %d times without reaching a leader", hops))
		return
	}
	info, ok := m.Node(id)
	if !ok || id == n.cfg.ID {
		writeError(w, Errorf(ErrUnavailable, "no address known for node %q", id))
		return
	}
	n.metrics.forwarded.Inc()
	n.forward.forward(w, r, info.HTTPAddr, body)
}

func contextWithTimeout(r *http.Request, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), d)
}
