package kv

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/treekv/kv/node"
)

// Caps on the answers the client reads: a success body (a value or a scan
// page) and an error body.
const (
	maxAnswerBytes = 64 << 20
	maxErrorBytes  = 64 << 10
)

// apiCall is one logical call of the data API, sent once per attempt.
type apiCall struct {
	method      string
	path        string // escaped path, such as "/v1/kv/a%2Fb"
	query       url.Values
	body        []byte
	contentType string
	write       bool   // sent with an Idempotency-Key, outcome may be unknown
	key         string // the key a compare-and-swap names, for ConflictError
	routeKey    string // the one key the call touches, for partition-aware routing
	stale       bool   // a read any replica may serve
}

// apiAnswer is a success answer, its body read in full.
type apiAnswer struct {
	header http.Header
	body   []byte
}

// attemptFailure says why one attempt did not succeed and what may follow.
type attemptFailure struct {
	err        error
	retryable  bool
	maybeDone  bool          // the request may have taken effect on a server
	retryAfter time.Duration // the pause the server asked for, 0 if none
	node       string        // the node that answered, from X-Kv-Node
}

// servedBy is the node that gave an attempt's answer, "" if unknown.
func servedBy(ans *apiAnswer, f *attemptFailure) string {
	if f != nil {
		return f.node
	}
	return ans.header.Get(node.HeaderNode)
}

// kvPrefix is the path of the data API's keys, before the escaped key.
const kvPrefix = "/v1/kv/"

// keyPath is the escaped path of a key. Every byte that could end or split
// the path segment is escaped, and so are the dot segments "." and "..",
// which servers and proxies would otherwise resolve away.
func keyPath(key string) string {
	switch key {
	case ".":
		return kvPrefix + "%2E"
	case "..":
		return kvPrefix + "%2E%2E"
	}
	return kvPrefix + url.PathEscape(key)
}

// newIdempotencyKey returns 128 random bits in hex.
func newIdempotencyKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// target describes the call in errors, as "PUT /v1/kv/a".
func (a *apiCall) target() string { return a.method + " " + a.path }

func (a *apiCall) newRequest(ctx context.Context, base, idempotencyKey string) (*http.Request, error) {
	u := base + a.path
	if len(a.query) > 0 {
		u += "?" + a.query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, a.method, u, bytes.NewReader(a.body))
	if err != nil {
		return nil, fmt.Errorf("kv: %s: %w", a.target(), err)
	}
	if a.contentType != "" {
		req.Header.Set("Content-Type", a.contentType)
	}
	if idempotencyKey != "" {
		req.Header.Set(node.HeaderIdempotencyKey, idempotencyKey)
	}
	return req, nil
}

// try sends one attempt of a to the endpoint base and reads the answer.
func (c *Client) try(ctx context.Context, base string, a *apiCall, idempotencyKey string) (*apiAnswer, *attemptFailure) {
	var connected atomic.Bool // a connection was obtained: bytes may have been sent
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected.Store(true) }}
	req, err := a.newRequest(httptrace.WithClientTrace(ctx, trace), base, idempotencyKey)
	if err != nil {
		return nil, &attemptFailure{err: err}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &attemptFailure{err: err, retryable: true, maybeDone: connected.Load()}
	}
	defer resp.Body.Close()
	return readAnswer(resp, a)
}

// readAnswer reads a success answer, or turns an error answer into an
// attemptFailure carrying *Error or *ConflictError.
func readAnswer(resp *http.Response, a *apiCall) (*apiAnswer, *attemptFailure) {
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	limit := int64(maxErrorBytes)
	if ok {
		limit = maxAnswerBytes
	}
	body, err := readCapped(resp.Body, limit)
	if errors.Is(err, ErrTooLarge) {
		return nil, &attemptFailure{err: fmt.Errorf("kv: answer to %s: %w", a.target(), err)}
	}
	if err != nil { // the connection broke mid-answer: a retry answers the same
		return nil, &attemptFailure{err: err, retryable: true, maybeDone: true}
	}
	if ok {
		return &apiAnswer{header: resp.Header, body: body}, nil
	}
	return nil, errorFailure(resp, body, a)
}

// errorFailure classifies an error answer: unavailable certainly did not
// apply; indeterminate, a gateway error and anything else may have.
func errorFailure(resp *http.Response, body []byte, a *apiCall) *attemptFailure {
	err := decodeError(resp.StatusCode, body, a.key)
	unavailable := errors.Is(err, ErrUnavailable)
	return &attemptFailure{
		err:        err,
		retryable:  unavailable || errors.Is(err, ErrIndeterminate) || resp.StatusCode == http.StatusBadGateway,
		maybeDone:  !unavailable,
		retryAfter: parseRetryAfter(resp.Header),
		node:       resp.Header.Get(node.HeaderNode),
	}
}

// decodeError turns an error answer into *ConflictError (code conflict) or
// *Error. An answer without a JSON error body, as a proxy may send, is given
// the code of its status.
func decodeError(status int, body []byte, key string) error {
	var eb node.ErrorBody
	if json.Unmarshal(body, &eb) != nil || eb.Error.Code == "" {
		return &Error{StatusCode: status, Code: statusCode(status), Message: plainMessage(status, body)}
	}
	if eb.Error.Code == node.CodeConflict {
		ce := &ConflictError{Key: key}
		if eb.Error.Revision != nil {
			ce.Revision = *eb.Error.Revision
		}
		return ce
	}
	return &Error{StatusCode: status, Code: eb.Error.Code, Message: eb.Error.Message}
}

// statusCode is the API error code of a bare HTTP status. A gateway error is
// indeterminate: the gateway may have forwarded the request before failing.
func statusCode(status int) string {
	switch status {
	case http.StatusBadRequest:
		return node.CodeBadRequest
	case http.StatusUnauthorized, http.StatusForbidden:
		return node.CodeUnauthorized
	case http.StatusNotFound:
		return node.CodeNotFound
	case http.StatusConflict:
		return node.CodeConflict
	case http.StatusRequestEntityTooLarge:
		return node.CodeTooLarge
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		return node.CodeUnavailable
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return node.CodeIndeterminate
	}
	return node.CodeInternal
}

// plainMessage is the text of a non-JSON error body, or the status text.
func plainMessage(status int, body []byte) string {
	const maxLen = 200
	msg := strings.TrimSpace(string(body))
	if len(msg) > maxLen {
		msg = msg[:maxLen] + "..."
	}
	if msg == "" {
		return http.StatusText(status)
	}
	return msg
}

// readCapped reads r to the end, or fails with ErrTooLarge past limit bytes.
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, node.Errorf(ErrTooLarge, "exceeds %d bytes", limit)
	}
	return b, nil
}

// decodeJSON decodes a success answer into v; a malformed answer is an
// internal error.
func decodeJSON(a *apiCall, ans *apiAnswer, v any) error {
	if err := json.Unmarshal(ans.body, v); err != nil {
		return fmt.Errorf("kv: malformed answer to %s: %v (%w)", a.target(), err, ErrInternal)
	}
	return nil
}

// callJSON sends a with retries and decodes its success answer into v.
func (c *Client) callJSON(ctx context.Context, a *apiCall, v any) error {
	ans, err := c.do(ctx, a)
	if err != nil {
		return err
	}
	return decodeJSON(a, ans, v)
}
