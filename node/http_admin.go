package node

import (
	"net/http"
	"strconv"

	"github.com/treekv/kv/node/part"
)

// CreateReplicaRequest is the body of POST /v1/admin/replicas.
type CreateReplicaRequest struct {
	Partition uint64 `json:"partition"`
	// Bootstrap gives a new group its first configuration from the map.
	Bootstrap bool `json:"bootstrap"`
}

// maxAdminBody caps admin request bodies (a partition map of many partitions).
const maxAdminBody = 16 << 20

// adminRoutes are the endpoints a controller uses to manage the node.
func (n *Node) adminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/admin/map", n.serveGetMap)
	mux.HandleFunc("PUT /v1/admin/map", n.servePutMap)
	mux.HandleFunc("GET /v1/admin/replicas", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, n.Replicas())
	})
	mux.HandleFunc("POST /v1/admin/replicas", n.serveCreateReplica)
	mux.HandleFunc("DELETE /v1/admin/replicas/{id}", n.serveRemoveReplica)
	n.memberRoutes(mux)
}

func (n *Node) serveGetMap(w http.ResponseWriter, r *http.Request) {
	m, err := n.currentMap()
	if err != nil {
		writeError(w, Errorf(ErrNotFound, "%v", err))
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (n *Node) servePutMap(w http.ResponseWriter, r *http.Request) {
	var m part.Map
	if err := decodeAdmin(w, r, &m); err != nil {
		writeError(w, err)
		return
	}
	if err := n.SetMap(&m); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]uint64{"version": m.Version})
}

func (n *Node) serveCreateReplica(w http.ResponseWriter, r *http.Request) {
	var req CreateReplicaRequest
	if err := decodeAdmin(w, r, &req); err != nil {
		writeError(w, err)
		return
	}
	if err := n.CreateReplica(req.Partition, req.Bootstrap); err != nil {
		writeError(w, err)
		return
	}
	rep, _ := n.Replica(req.Partition)
	writeJSON(w, http.StatusCreated, rep.Status())
}

func (n *Node) serveRemoveReplica(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, Errorf(ErrBadRequest, "partition ID %q is not a number", r.PathValue("id")))
		return
	}
	if err := n.RemoveReplica(id); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]uint64{"removed": id})
}

func decodeAdmin(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := readBody(w, r, maxAdminBody, "request body")
	if err != nil {
		return err
	}
	return decodeStrictJSON(body, "invalid JSON", v)
}
