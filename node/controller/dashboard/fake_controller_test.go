package dashboard_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/treekv/kv/node/controller"
	"github.com/treekv/kv/node/controller/dashboard"
)

// longPollLimit is how long GET /v1/cluster?wait= holds a request, as the
// real controller does, before it answers with the unchanged view.
const longPollLimit = 30 * time.Second

// fakeController plays the controller API that the dashboard reads, over an
// in-memory cluster of 3 nodes and 4 partitions that tests change: GET
// /v1/cluster (with ?wait=), GET /v1/events (server-sent events, replaying
// the history on connect) and the actions stop and transfer-leader. It is
// safe for concurrent use.
type fakeController struct {
	mu      sync.Mutex
	view    controller.ClusterView
	changed chan struct{} // closed and replaced by every change of view
	history []controller.Event
	subs    map[chan controller.Event]struct{}
	actions []string // one line per action received, e.g. "stop n2"
	fetches int
	done    chan struct{} // closed when the test ends, ending held requests
}

// startFakeController serves the dashboard and a fakeController on
// 127.0.0.1:0 until t ends.
func startFakeController(t *testing.T) (*fakeController, *httptest.Server) {
	t.Helper()
	f := &fakeController{
		view:    threeNodeView(time.Now()),
		changed: make(chan struct{}),
		subs:    make(map[chan controller.Event]struct{}),
		done:    make(chan struct{}),
	}
	for _, n := range f.view.Nodes {
		f.emit(controller.EventNodeJoined, n.ID, 0, "node "+n.ID+" joined at "+n.HTTPAddr)
	}
	f.emit(controller.EventControllerLeader, "", 0, "controller c1 is the leader")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/cluster", f.serveCluster)
	mux.HandleFunc("GET /v1/events", f.serveEvents)
	mux.HandleFunc("POST /v1/local/nodes/{id}/stop", f.serveStop)
	mux.HandleFunc("POST /v1/partitions/{id}/transfer-leader", f.serveTransfer)
	mux.Handle("/", dashboard.Handler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(f.done) }) // runs first: frees held requests
	return f, srv
}

// actionsSeen returns the actions received so far, in order.
func (f *fakeController) actionsSeen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.actions)
}

// serveCluster answers the view, once its version exceeds ?wait= if given.
func (f *fakeController) serveCluster(w http.ResponseWriter, r *http.Request) {
	wait := r.URL.Query().Get("wait")
	if wait == "" {
		writeJSON(w, http.StatusOK, f.snapshot())
		return
	}
	v, err := strconv.ParseUint(wait, 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "wait must be a version")
		return
	}
	timer := time.NewTimer(longPollLimit)
	defer timer.Stop()
	for {
		f.mu.Lock()
		version, changed := f.view.Version, f.changed
		f.mu.Unlock()
		if version > v {
			break
		}
		select {
		case <-changed:
			continue
		case <-timer.C:
		case <-r.Context().Done():
			return
		case <-f.done:
			return
		}
		break
	}
	writeJSON(w, http.StatusOK, f.snapshot())
}

// snapshot copies the view, refreshing the heartbeats and load of the nodes
// that are up, as a live cluster would between changes.
func (f *fakeController) snapshot() controller.ClusterView {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fetches++
	for i := range f.view.Nodes {
		n := &f.view.Nodes[i]
		if n.Health == controller.HealthUp {
			n.LastHeartbeat = time.Now()
			n.RequestsPerSec = float64(40*(i+1) + (f.fetches*7+i*13)%25)
		}
	}
	v := f.view
	v.Nodes = slices.Clone(v.Nodes)
	v.Partitions = slices.Clone(v.Partitions)
	for i := range v.Partitions {
		v.Partitions[i].Replicas = slices.Clone(v.Partitions[i].Replicas)
	}
	return v
}

// serveEvents streams events: the history first, then each new one.
func (f *fakeController) serveEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "internal", "streaming unsupported")
		return
	}
	ch := make(chan controller.Event, 64)
	f.mu.Lock()
	backlog := slices.Clone(f.history)
	f.subs[ch] = struct{}{}
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.subs, ch)
		f.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	for _, ev := range backlog {
		writeEvent(w, ev)
	}
	flusher.Flush()
	for {
		select {
		case ev := <-ch:
			writeEvent(w, ev)
			flusher.Flush()
		case <-r.Context().Done():
			return
		case <-f.done:
			return
		}
	}
}

// emit records an event and sends it to every stream; f.mu must not be held.
func (f *fakeController) emit(kind, node string, partition uint64, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ev := controller.Event{
		Seq: uint64(len(f.history) + 1), Time: time.Now(), Kind: kind,
		Node: node, Partition: partition, Message: msg,
	}
	f.history = append(f.history, ev)
	for ch := range f.subs {
		select {
		case ch <- ev:
		default: // a stream that fell behind misses it, as over a slow link
		}
	}
}

func writeEvent(w http.ResponseWriter, ev controller.Event) {
	data, err := json.Marshal(ev)
	if err != nil {
		panic(err) // an Event always marshals
	}
	fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", ev.Seq, ev.Kind, data)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v) // the client may be gone; nothing to do
}

func writeError(w http.ResponseWriter, code int, errCode, msg string) {
	writeJSON(w, code, map[string]any{"error": map[string]string{"code": errCode, "message": msg}})
}
