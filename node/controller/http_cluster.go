package controller

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/treekv/kv/node"
)

// maxWait bounds a long poll of /v1/cluster?wait=.
const maxWait = 30 * time.Second

func (c *Controller) clusterRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/cluster", c.serveCluster)
	mux.HandleFunc("GET /v1/events", c.serveEvents)
	mux.HandleFunc("POST /v1/rebalance", c.serveRebalance)
	mux.HandleFunc("POST /v1/controllers", c.serveAddController)
}

// serveCluster answers the cluster view; with ?wait=V it first waits until
// the view's version passes V (or maxWait passes).
func (c *Controller) serveCluster(w http.ResponseWriter, r *http.Request) {
	if v := r.URL.Query().Get("wait"); v != "" {
		after, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			writeError(w, node.Errorf(node.ErrBadRequest, "wait must be a version number, got %q", v))
			return
		}
		c.waitVersion(r, after)
	}
	view, err := c.View(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

func (c *Controller) waitVersion(r *http.Request, after uint64) {
	timer := time.NewTimer(maxWait)
	defer timer.Stop()
	for {
		version, changed := c.viewVersion()
		if version > after {
			return
		}
		select {
		case <-changed:
		case <-timer.C:
			return
		case <-r.Context().Done():
			return
		case <-c.done:
			return
		}
	}
}

// serveEvents streams events as server-sent events: the recent ones first,
// then each as it happens, until the client leaves or the controller stops.
func (c *Controller) serveEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, node.Errorf(node.ErrInternal, "streaming unsupported"))
		return
	}
	replay, events, cancel := c.events.subscribe()
	defer cancel()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	for _, e := range replay {
		writeEvent(w, e)
	}
	flusher.Flush()
	c.streamEvents(w, r, flusher, events)
}

// keepAlive is how often an idle event stream sends a comment line.
const keepAlive = 15 * time.Second

func (c *Controller) streamEvents(w http.ResponseWriter, r *http.Request, flusher http.Flusher, events <-chan Event) {
	ticker := time.NewTicker(keepAlive)
	defer ticker.Stop()
	for {
		select {
		case e := <-events:
			writeEvent(w, e)
		case <-ticker.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case <-r.Context().Done():
			return
		case <-c.done:
			return
		}
		flusher.Flush()
	}
}

func writeEvent(w http.ResponseWriter, e Event) {
	data, _ := json.Marshal(e)
	fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.Seq, e.Kind, data)
}

func (c *Controller) serveRebalance(w http.ResponseWriter, r *http.Request) {
	planned := c.sched.rebalance(r.Context())
	writeJSON(w, http.StatusOK, map[string]int{"moves_started": planned})
}

func (c *Controller) serveAddController(w http.ResponseWriter, r *http.Request) {
	var rec ControllerRecord
	if err := decodeBody(w, r, &rec); err != nil {
		writeError(w, err)
		return
	}
	if err := c.addController(r.Context(), rec); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

// viewVersion is the version of the cluster view: the state's version in
// the high half, so that it rises across controller leaders (each new
// leader commits a state change), and the leader's count of events and
// health changes in the low half. The channel closes at the next change.
func (c *Controller) viewVersion() (uint64, <-chan struct{}) {
	local, changed := c.events.current()
	var stateVersion uint64
	if st, _, err := c.store.local(); err == nil {
		stateVersion = st.Version
	}
	return stateVersion<<32 | local&0xffffffff, changed
}
