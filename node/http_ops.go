package node

import (
	"net/http"
)

// NodeStatus is the body of GET /v1/status.
type NodeStatus struct {
	ID         string          `json:"id"`
	HTTPAddr   string          `json:"http_addr"`
	RaftAddr   string          `json:"raft_addr"`
	MapVersion uint64          `json:"map_version"`
	Replicas   []ReplicaStatus `json:"replicas"`
}

// Status reports the node's addresses, map version and replicas.
func (n *Node) Status() NodeStatus {
	s := NodeStatus{ID: n.cfg.ID, HTTPAddr: n.HTTPAddr(), RaftAddr: n.RaftAddr(), Replicas: n.Replicas()}
	if m, err := n.currentMap(); err == nil {
		s.MapVersion = m.Version
	}
	return s
}

func (n *Node) opsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", n.serveReady)
	mux.HandleFunc("GET /v1/status", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, n.Status())
	})
	mux.Handle("GET /metrics", n.metrics.handler())
}

// serveReady answers 200 when the node has a map and every hosted replica
// knows its leader and has applied all it knows to be committed.
func (n *Node) serveReady(w http.ResponseWriter, r *http.Request) {
	if err := n.ready(); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (n *Node) ready() error {
	if _, err := n.currentMap(); err != nil {
		return err
	}
	n.mu.RLock()
	defer n.mu.RUnlock()
	for id, rep := range n.replicas {
		if !rep.Ready() {
			return Errorf(ErrUnavailable, "replica of partition %d has no leader or has not applied its log", id)
		}
	}
	return nil
}
