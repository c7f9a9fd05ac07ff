package clientui

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/treekv/kv"
)

// callJSON describes how the cluster served one call: how many attempts
// the client made, which endpoint and node answered, and how long it took.
type callJSON struct {
	Attempts  int     `json:"attempts"`
	Retries   int     `json:"retries"`
	Endpoint  string  `json:"endpoint,omitempty"`
	Node      string  `json:"node,omitempty"`
	LatencyMS float64 `json:"latency_ms"`
}

// errorBody is the JSON of an error answer. Call is set when the error came
// from a call to the cluster; Revision is a key's current revision after a
// failed compare-and-swap.
type errorBody struct {
	Error    errorJSON `json:"error"`
	Call     *callJSON `json:"call,omitempty"`
	Revision *uint64   `json:"revision,omitempty"`
}

type errorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// tracked is one call to the cluster in progress: its context carries a
// kv.CallInfo that the client fills in.
type tracked struct {
	ctx   context.Context
	info  kv.CallInfo
	start time.Time
}

// track starts timing a call made with the returned tracked's ctx.
func track(ctx context.Context) *tracked {
	t := &tracked{start: time.Now()}
	t.ctx = kv.WithCallInfo(ctx, &t.info)
	return t
}

// done reports the call as the answer shows it.
func (t *tracked) done() *callJSON {
	return &callJSON{
		Attempts:  t.info.Attempts,
		Retries:   t.info.Retries,
		Endpoint:  t.info.Endpoint,
		Node:      t.info.Node,
		LatencyMS: float64(time.Since(t.start).Microseconds()) / 1000,
	}
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers an error with the given status and code.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, errorBody{Error: errorJSON{Code: code, Message: message}})
}

// writeCallError answers the error of a call to the cluster, with the
// status and code its kind has in the data API, and logs the failures that
// are the cluster's (not the caller's) at warn level.
func (s *Server) writeCallError(w http.ResponseWriter, r *http.Request, err error, call *callJSON) {
	status, code := errorStatus(err)
	level := slog.LevelDebug
	if status >= http.StatusInternalServerError {
		level = slog.LevelWarn
	}
	s.logger.Log(r.Context(), level, "call to the cluster failed", "method", r.Method, "path", r.URL.Path,
		"attempts", call.Attempts, "err", err)
	body := errorBody{Error: errorJSON{Code: code, Message: err.Error()}, Call: call}
	if conflict, ok := errors.AsType[*kv.ConflictError](err); ok {
		body.Revision = &conflict.Revision
	}
	writeJSON(w, status, body)
}

// errorStatus returns the status and code the data API gives err's kind.
func errorStatus(err error) (int, string) {
	switch {
	case errors.Is(err, kv.ErrNotFound):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, kv.ErrConflict):
		return http.StatusConflict, "conflict"
	case errors.Is(err, kv.ErrBadRequest):
		return http.StatusBadRequest, "bad_request"
	case errors.Is(err, kv.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, "too_large"
	case errors.Is(err, kv.ErrUnauthorized):
		return http.StatusUnauthorized, "unauthorized"
	case errors.Is(err, kv.ErrIndeterminate):
		return http.StatusGatewayTimeout, "indeterminate"
	case errors.Is(err, kv.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "unavailable"
	}
	return http.StatusBadGateway, "internal"
}
