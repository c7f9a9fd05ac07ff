package node

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
)

// retryAfterSeconds is the Retry-After hint on unavailable answers: about
// one election timeout.
const retryAfterSeconds = "1"

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writePut answers a put with its PutResponse, encoded as encoding/json
// would (a newline ends it) but without reflection.
func writePut(w http.ResponseWriter, revision uint64) {
	var buf [48]byte
	b := append(buf[:0], `{"revision":`...)
	b = strconv.AppendUint(b, revision, 10)
	writeJSONBytes(w, append(b, "}\n"...))
}

// writeDelete answers a delete with its DeleteResponse, encoded as
// encoding/json would.
func writeDelete(w http.ResponseWriter, deleted bool, revision uint64) {
	var buf [64]byte
	b := append(buf[:0], `{"deleted":`...)
	b = strconv.AppendBool(b, deleted)
	b = append(b, `,"revision":`...)
	b = strconv.AppendUint(b, revision, 10)
	writeJSONBytes(w, append(b, "}\n"...))
}

// writeJSONBytes answers 200 with body, a JSON document.
func writeJSONBytes(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// writeError answers err as the API's JSON error with its code's status.
func writeError(w http.ResponseWriter, err error) {
	writeErrorDetail(w, err, ErrorDetail{Code: Code(err), Message: err.Error()})
}

// writeConflict answers a failed compare with the key's current revision.
func writeConflict(w http.ResponseWriter, key string, current uint64) {
	err := Errorf(ErrConflict, "key %q has revision %d", key, current)
	writeErrorDetail(w, err, ErrorDetail{Code: CodeConflict, Message: err.Error(), Revision: &current})
}

func writeErrorDetail(w http.ResponseWriter, err error, d ErrorDetail) {
	if d.Code == CodeUnavailable || d.Code == CodeIndeterminate {
		w.Header().Set("Retry-After", retryAfterSeconds)
	}
	writeJSON(w, statusOf(d.Code, err), ErrorBody{Error: d})
}

func statusOf(code string, err error) int {
	switch code {
	case CodeBadRequest:
		return http.StatusBadRequest
	case CodeUnauthorized:
		return http.StatusUnauthorized
	case CodeNotFound:
		return http.StatusNotFound
	case CodeConflict:
		return http.StatusConflict
	case CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case CodeUnavailable:
		return http.StatusServiceUnavailable
	case CodeIndeterminate:
		if errors.Is(err, context.DeadlineExceeded) {
			return http.StatusGatewayTimeout
		}
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// WriteJSON answers status with v as JSON; for servers built on the node's
// API conventions (the controller, the balancer).
func WriteJSON(w http.ResponseWriter, status int, v any) { writeJSON(w, status, v) }

// WriteError answers err as the API's JSON error, with the status of its
// code and, for unavailable and indeterminate, a Retry-After header.
func WriteError(w http.ResponseWriter, err error) { writeError(w, err) }
