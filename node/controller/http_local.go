package controller

import (
	"fmt"
	"net/http"

	"github.com/treekv/kv/node"
)

func (c *Controller) localRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/local/nodes/{id}/{action}", c.serveLocal)
}

// serveLocal stops, restarts, isolates or heals a node that runs in the
// controller's process, so a user can watch failover from the dashboard.
func (c *Controller) serveLocal(w http.ResponseWriter, r *http.Request) {
	if c.cfg.Local == nil {
		writeError(w, node.Errorf(node.ErrNotFound, "this controller runs no local nodes"))
		return
	}
	id, action := r.PathValue("id"), r.PathValue("action")
	var err error
	switch action {
	case "stop":
		err = c.cfg.Local.StopNode(id)
	case "restart":
		err = c.cfg.Local.RestartNode(id)
	case "isolate":
		err = c.cfg.Local.SetIsolated(id, true)
	case "heal":
		err = c.cfg.Local.SetIsolated(id, false)
	default:
		err = node.Errorf(node.ErrBadRequest, "unknown action %q: use stop, restart, isolate or heal", action)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	c.events.publish(EventLocal, id, 0, fmt.Sprintf("node %s: %s from the dashboard", id, action))
	writeJSON(w, http.StatusOK, map[string]string{"node": id, "action": action})
}
