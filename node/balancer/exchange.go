package balancer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/treekv/kv/node"
)

// maxRequestID is the longest client request ID kept; a longer one is
// replaced.
const maxRequestID = 128

// exchange is one client request and what its attempts so far showed.
type exchange struct {
	in             *http.Request // the request every attempt copies, headers set
	route          route
	requestID      string
	idempotencyKey string            // the key of a write, the client's or a new one
	tried          map[*backend]bool // backends this request was sent to
	refused        map[*backend]bool // those of them it never reached
	pauses         int               // back-offs so far
	attempts       int               // failed attempts
	maybeApplied   bool              // a write may have taken effect on some backend
	timedOut       bool              // an attempt ended in a timeout
	last           string
}

// newExchange prepares r for forwarding: a request ID, and an
// Idempotency-Key on a write that lacks one, so a retried write applies
// once.
func newExchange(r *http.Request, rt route) *exchange {
	ex := &exchange{in: r.Clone(r.Context()), route: rt, tried: map[*backend]bool{},
		refused: map[*backend]bool{}}
	ex.requestID = r.Header.Get(HeaderRequestID)
	if ex.requestID == "" || len(ex.requestID) > maxRequestID {
		ex.requestID = randomHex(8)
	}
	ex.in.Header.Set(HeaderRequestID, ex.requestID)
	if rt.write && !rt.batch { // a batch's requests carry their own keys
		ex.idempotencyKey = r.Header.Get(node.HeaderIdempotencyKey)
		if ex.idempotencyKey == "" {
			ex.idempotencyKey = randomHex(16)
			ex.in.Header.Set(node.HeaderIdempotencyKey, ex.idempotencyKey)
		}
	}
	return ex
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// record notes a failed attempt. A write may have applied unless the
// connection failed before the backend had it, or the backend answered
// unavailable, which says it certainly did not apply.
func (ex *exchange) record(a *attempt) {
	ex.attempts++
	ex.tried[a.backend] = true
	ex.last = describe(a)
	var maybe bool
	if a.held != nil {
		maybe = heldCode(a.held) != node.CodeUnavailable
		ex.timedOut = ex.timedOut || a.held.status == http.StatusGatewayTimeout
	} else {
		reached := a.connected.Load()
		ex.refused[a.backend] = !reached
		maybe = reached
		ex.timedOut = ex.timedOut || isTimeout(a.err)
	}
	if ex.route.write && maybe {
		ex.maybeApplied = true
	}
}

// failure is the error the client gets when no attempt delivered.
func (ex *exchange) failure() error {
	switch {
	case ex.attempts == 0:
		return node.Errorf(node.ErrUnavailable, "no backend to send the request to")
	case ex.maybeApplied && ex.route.batch:
		return node.Errorf(node.ErrIndeterminate, "the batch may have been served in part after %d attempts (last: %s): "+
			"send again only the requests that carry an idempotency key, or read first", ex.attempts, ex.last)
	case ex.maybeApplied && ex.timedOut:
		return node.Errorf(node.ErrIndeterminate, "%s: %w", ex.indeterminate(), context.DeadlineExceeded)
	case ex.maybeApplied:
		return node.Errorf(node.ErrIndeterminate, "%s", ex.indeterminate())
	}
	return node.Errorf(node.ErrUnavailable, "no backend could serve the request after %d attempts; last: %s",
		ex.attempts, ex.last)
}

func (ex *exchange) indeterminate() string {
	return fmt.Sprintf("the write may or may not have applied after %d attempts (last: %s): send it again with %s %s",
		ex.attempts, ex.last, node.HeaderIdempotencyKey, ex.idempotencyKey)
}

// describe says how an attempt failed, for logs and error messages.
func describe(a *attempt) string {
	if a.held != nil {
		var eb node.ErrorBody
		if json.Unmarshal(a.held.body, &eb) == nil && eb.Error.Code != "" {
			return fmt.Sprintf("%s answered %d %s: %s", a.backend.id, a.held.status, eb.Error.Code, eb.Error.Message)
		}
		return fmt.Sprintf("%s answered %d", a.backend.id, a.held.status)
	}
	if a.err != nil {
		return fmt.Sprintf("%s: %v", a.backend.id, a.err)
	}
	return fmt.Sprintf("%s answered %d", a.backend.id, a.status)
}

// heldCode returns the API error code of a held answer, or "" when its
// body is not the API's JSON error.
func heldCode(h *heldAnswer) string {
	var eb node.ErrorBody
	if json.Unmarshal(h.body, &eb) != nil {
		return ""
	}
	return eb.Error.Code
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}
