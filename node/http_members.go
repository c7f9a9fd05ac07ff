package node

import (
	"errors"
	"net/http"
	"strconv"
)

// memberRoutes are the admin endpoints that change a replica's Raft group.
// They run on this node's replica only and never forward: on a replica that
// does not lead they answer 503 unavailable naming the leader, if known.
func (n *Node) memberRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/admin/replicas/{id}/members", n.serveGetMembers)
	mux.HandleFunc("POST /v1/admin/replicas/{id}/members", n.serveChangeMember)
	mux.HandleFunc("POST /v1/admin/replicas/{id}/transfer-leader", n.serveTransferLeader)
}

func (n *Node) serveGetMembers(w http.ResponseWriter, r *http.Request) {
	rep, err := n.pathReplica(r)
	if err != nil {
		writeError(w, err)
		return
	}
	members, err := rep.Members()
	if err != nil {
		writeError(w, n.leaderError(rep, err))
		return
	}
	writeJSON(w, http.StatusOK, members)
}

// serveChangeMember applies a MemberChange and answers the configuration
// this replica knows afterwards.
func (n *Node) serveChangeMember(w http.ResponseWriter, r *http.Request) {
	rep, err := n.pathReplica(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var req MemberChange
	if err := decodeAdmin(w, r, &req); err != nil {
		writeError(w, err)
		return
	}
	if err := n.changeMember(r, rep, req); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, membersOf(rep.configuration()))
}

func (n *Node) changeMember(r *http.Request, rep *Replica, req MemberChange) error {
	ctx, cancel := contextWithTimeout(r, n.cfg.WriteTimeout)
	defer cancel()
	var err error
	switch req.Action {
	case MemberAddLearner:
		err = rep.AddLearner(ctx, req.NodeID, req.RaftAddr)
	case MemberPromote:
		err = rep.Promote(ctx, req.NodeID, req.RaftAddr)
	case MemberRemove:
		err = rep.RemoveMember(ctx, req.NodeID)
	default:
		return Errorf(ErrBadRequest, "unknown action %q: use %q, %q or %q",
			req.Action, MemberAddLearner, MemberPromote, MemberRemove)
	}
	return n.leaderError(rep, err)
}

// serveTransferLeader hands the replica's leadership to another voter and
// answers the replica's status afterwards.
func (n *Node) serveTransferLeader(w http.ResponseWriter, r *http.Request) {
	rep, err := n.pathReplica(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var req TransferRequest
	if err := decodeAdmin(w, r, &req); err != nil {
		writeError(w, err)
		return
	}
	ctx, cancel := contextWithTimeout(r, n.cfg.WriteTimeout)
	defer cancel()
	if err := rep.TransferLeadership(ctx, req.To, req.RaftAddr); err != nil {
		writeError(w, n.leaderError(rep, err))
		return
	}
	writeJSON(w, http.StatusOK, rep.Status())
}

// pathReplica returns the replica of the partition named by the path's
// {id}: ErrBadRequest for an ID that is not a number, ErrNotFound when this
// node hosts no replica of it.
func (n *Node) pathReplica(r *http.Request) (*Replica, error) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, Errorf(ErrBadRequest, "partition ID %q is not a number", r.PathValue("id"))
	}
	rep, ok := n.Replica(id)
	if !ok {
		return nil, Errorf(ErrNotFound, "node %s hosts no replica of partition %d", n.cfg.ID, id)
	}
	return rep, nil
}

// leaderError turns a not-leader error into 503 unavailable whose message
// names the partition and the leader, with the leader's HTTP address when
// the map knows it. Other errors pass through.
func (n *Node) leaderError(rep *Replica, err error) error {
	var nl *NotLeaderError
	if !errors.As(err, &nl) {
		return err
	}
	if m, merr := n.currentMap(); merr == nil && nl.LeaderID != "" {
		if info, ok := m.Node(nl.LeaderID); ok {
			return Errorf(ErrUnavailable, "partition %d: %w; ask %s at http://%s", rep.Partition(), err, nl.LeaderID, info.HTTPAddr)
		}
	}
	return Errorf(ErrUnavailable, "partition %d: %w", rep.Partition(), err)
}
