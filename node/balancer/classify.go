package balancer

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/treekv/kv/node"
)

// Paths of the data API that the balancer forwards.
const (
	kvPrefix  = "/v1/kv/"
	scanPath  = "/v1/scan"
	txnPath   = "/v1/txn"
	batchPath = "/v1/batch"
)

// route is what the balancer needs to know of a data API request.
type route struct {
	key   string // the key of a single-key request, else ""
	write bool   // may change data: sent under an Idempotency-Key
	stale bool   // a read that any replica may serve
	batch bool   // POST /v1/batch: requests with idempotency keys of their own, if any
}

// isDataAPI reports whether the request is one the balancer forwards.
func isDataAPI(r *http.Request) bool {
	p := r.URL.EscapedPath()
	return strings.HasPrefix(p, kvPrefix) || p == scanPath || p == txnPath || p == batchPath
}

// classify describes a data API request. Keys are taken from the escaped
// path, as the node does, so keys holding "/" or "%" route correctly.
func classify(r *http.Request) route {
	read := r.Method == http.MethodGet || r.Method == http.MethodHead
	rt := route{write: !read, batch: r.URL.EscapedPath() == batchPath}
	rt.stale = read && r.URL.Query().Get(node.ParamConsistency) == node.ConsistencyStale
	p := r.URL.EscapedPath()
	if strings.HasPrefix(p, kvPrefix) {
		if key, err := url.PathUnescape(strings.TrimPrefix(p, kvPrefix)); err == nil {
			rt.key = key
		}
	}
	return rt
}
