package controller

import (
	"net/http"
	"time"

	"github.com/treekv/kv/node"
)

func (c *Controller) nodeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/nodes", c.serveJoin)
	mux.HandleFunc("DELETE /v1/nodes/{id}", c.serveRemoveNode)
	mux.HandleFunc("POST /v1/nodes/{id}/drain", c.serveDrain)
	mux.HandleFunc("POST /v1/nodes/{id}/heartbeat", c.serveHeartbeat)
}

func (c *Controller) serveJoin(w http.ResponseWriter, r *http.Request) {
	var req node.JoinRequest
	if err := decodeBody(w, r, &req); err != nil {
		writeError(w, err)
		return
	}
	rec, err := c.Join(r.Context(), req)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

func (c *Controller) serveHeartbeat(w http.ResponseWriter, r *http.Request) {
	var rep node.NodeReport
	if err := decodeBody(w, r, &rep); err != nil {
		writeError(w, err)
		return
	}
	if rep.ID != r.PathValue("id") {
		writeError(w, node.Errorf(node.ErrBadRequest, "heartbeat of node %q sent to the path of %q", rep.ID, r.PathValue("id")))
		return
	}
	resp, err := c.Heartbeat(r.Context(), rep, time.Now())
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (c *Controller) serveDrain(w http.ResponseWriter, r *http.Request) {
	if err := c.Drain(r.Context(), r.PathValue("id")); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"draining": r.PathValue("id")})
}

func (c *Controller) serveRemoveNode(w http.ResponseWriter, r *http.Request) {
	if err := c.RemoveNode(r.Context(), r.PathValue("id")); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"removed": r.PathValue("id")})
}
