package controller

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/controller/dashboard"
)

var (
	writeJSON  = node.WriteJSON
	writeError = node.WriteError
)

// maxBody caps request bodies of the controller API.
const maxBody = 1 << 20

// handler builds the instance's routes. API calls on a follower instance
// are forwarded to the leader; the dashboard and health checks are served
// by every instance.
func (c *Controller) handler() http.Handler {
	api := http.NewServeMux()
	c.clusterRoutes(api)
	c.nodeRoutes(api)
	c.partitionRoutes(api)
	c.localRoutes(api)
	api.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, node.Errorf(node.ErrNotFound, "no route for %s %s", r.Method, r.URL.Path))
	})
	root := http.NewServeMux()
	root.Handle("/v1/", c.leaderOnly(api))
	root.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	root.HandleFunc("GET /readyz", c.serveReady)
	root.Handle("/", dashboard.Handler())
	return root
}

// leaderOnly serves h on the leader and forwards to the leader elsewhere.
func (c *Controller) leaderOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.IsLeader() || r.Header.Get(node.HeaderForwarded) != "" {
			h.ServeHTTP(w, r)
			return
		}
		addr, err := c.leaderHTTPAddr()
		if err != nil {
			writeError(w, err)
			return
		}
		r.Header.Set(node.HeaderForwarded, "1")
		c.forward.forward(w, r, addr)
	})
}

func (c *Controller) leaderHTTPAddr() (string, error) {
	id, _ := c.rep.Leader()
	if id == "" {
		return "", node.Errorf(node.ErrUnavailable, "the controller group has no leader at the moment")
	}
	st, _, err := c.store.local()
	if err != nil {
		return "", err
	}
	rec, ok := st.controller(id)
	if !ok {
		return "", node.Errorf(node.ErrUnavailable, "controller leader %s has not published its address yet", id)
	}
	return rec.HTTPAddr, nil
}

func (c *Controller) serveReady(w http.ResponseWriter, r *http.Request) {
	if id, _ := c.rep.Leader(); id == "" {
		writeError(w, node.Errorf(node.ErrUnavailable, "the controller group has no leader"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// decodeBody reads a JSON request body into v.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
		return node.Errorf(node.ErrTooLarge, "request body is over the limit of %d bytes", maxBody)
	}
	if err != nil {
		return node.Errorf(node.ErrBadRequest, "reading the request body: %v", err)
	}
	if !utf8.Valid(data) {
		return node.Errorf(node.ErrBadRequest, "invalid JSON: the body is not valid UTF-8")
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return node.Errorf(node.ErrBadRequest, "invalid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return node.Errorf(node.ErrBadRequest, "invalid JSON: data after the object")
	}
	return nil
}

func partitionID(r *http.Request) (uint64, error) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, node.Errorf(node.ErrBadRequest, "partition ID %q is not a number", r.PathValue("id"))
	}
	return id, nil
}
