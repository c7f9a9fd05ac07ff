package balancer

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"

	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/balancer/statuspage"
)

// maxAPIBody caps the body of POST /v1/backends.
const maxAPIBody = 64 << 10

// maxIDLen bounds a backend ID.
const maxIDLen = 128

// BackendRequest is the body of POST /v1/backends. ID may be empty: it
// then defaults to the URL's "host:port".
type BackendRequest struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

// routes builds the balancer's own API and its status page at "/"; data
// API requests never reach it.
func (bal *Balancer) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/backends", bal.serveBackends)
	mux.HandleFunc("POST /v1/backends", bal.serveAddBackend)
	mux.HandleFunc("GET /v1/backends/{id}", bal.serveBackend)
	mux.HandleFunc("DELETE /v1/backends/{id}", bal.serveDeleteBackend)
	mux.HandleFunc("GET /v1/status", bal.serveStatus)
	mux.HandleFunc("GET /healthz", bal.serveHealth)
	mux.HandleFunc("GET /readyz", bal.serveReady)
	mux.Handle("GET /metrics", bal.metrics.handler())
	page := statuspage.Handler()
	mux.Handle("GET /{$}", page)
	for _, name := range statuspage.Names() {
		mux.Handle("GET /"+name, page)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		node.WriteError(w, node.Errorf(node.ErrNotFound, "no route for %s %s", r.Method, r.URL.Path))
	})
	return mux
}

func (bal *Balancer) serveBackends(w http.ResponseWriter, _ *http.Request) {
	node.WriteJSON(w, http.StatusOK, bal.Backends())
}

func (bal *Balancer) serveBackend(w http.ResponseWriter, r *http.Request) {
	b, ok := bal.pool.byID(r.PathValue("id"))
	if !ok {
		node.WriteError(w, node.Errorf(node.ErrNotFound, "no backend %q", r.PathValue("id")))
		return
	}
	node.WriteJSON(w, http.StatusOK, b.status(bal.now()))
}

// serveAddBackend adds a backend with source "api"; it answers 201 with
// the backend, 400 for bad input and 409 when the ID or URL is taken.
func (bal *Balancer) serveAddBackend(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
	if err != nil {
		node.WriteError(w, node.Errorf(node.ErrTooLarge, "request body: %v", err))
		return
	}
	id, u, err := decodeBackendRequest(data)
	if err != nil {
		node.WriteError(w, err)
		return
	}
	b := newBackend(id, u, SourceAPI)
	if err := bal.addBackend(b); err != nil {
		node.WriteError(w, err)
		return
	}
	bal.removed.Delete(id)
	node.WriteJSON(w, http.StatusCreated, b.status(bal.now()))
}

// serveDeleteBackend drains a backend: it takes no new requests and leaves
// once its requests in flight end. It answers 202 with the backend while
// it drains, 200 once it is gone.
func (bal *Balancer) serveDeleteBackend(w http.ResponseWriter, r *http.Request) {
	b, ok := bal.pool.byID(r.PathValue("id"))
	if !ok {
		node.WriteError(w, node.Errorf(node.ErrNotFound, "no backend %q", r.PathValue("id")))
		return
	}
	if n := b.node(); n != "" {
		bal.removed.Store(n, true)
	}
	bal.drainBackend(b)
	status := http.StatusAccepted
	if _, ok := bal.pool.byID(b.id); !ok {
		status = http.StatusOK
	}
	node.WriteJSON(w, status, b.status(bal.now()))
}

// decodeBackendRequest decodes and checks a BackendRequest: one JSON
// object, no unknown fields, a base URL, and an ID of letters, digits and
// ".-_:[]" (the URL's host when empty).
func decodeBackendRequest(data []byte) (string, *url.URL, error) {
	var req BackendRequest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return "", nil, node.Errorf(node.ErrBadRequest, "invalid JSON: %v", err)
	}
	if dec.Decode(&struct{}{}) != io.EOF {
		return "", nil, node.Errorf(node.ErrBadRequest, "invalid JSON: data after the object")
	}
	u, err := parseBackendURL(req.URL)
	if err != nil {
		return "", nil, node.Errorf(node.ErrBadRequest, "url %q %v", req.URL, err)
	}
	id := req.ID
	if id == "" {
		id = u.Host
	}
	if err := checkID(id); err != nil {
		return "", nil, err
	}
	return id, u, nil
}

func checkID(id string) error {
	if len(id) > maxIDLen {
		return node.Errorf(node.ErrBadRequest, "id is %d bytes, over the limit of %d", len(id), maxIDLen)
	}
	for _, c := range id {
		if !validIDRune(c) {
			return node.Errorf(node.ErrBadRequest, "id %q holds %q: use letters, digits and . - _ : [ ]", id, c)
		}
	}
	return nil
}

func validIDRune(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '.' || c == '-' || c == '_' || c == ':' || c == '[' || c == ']'
}
