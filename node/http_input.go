package node

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// keyFromPath returns the unescaped key of a /v1/kv/{key} request.
func keyFromPath(r *http.Request) (string, error) {
	key, err := url.PathUnescape(strings.TrimPrefix(r.URL.EscapedPath(), kvPrefix))
	if err != nil {
		return "", Errorf(ErrBadRequest, "key is not validly percent-encoded: %v", err)
	}
	return key, nil
}

// checkKey enforces the key rules: non-empty, valid UTF-8 (scan and
// transaction answers carry keys as JSON strings), at most MaxKeySize bytes.
func (l Limits) checkKey(key string) error {
	if key == "" {
		return Errorf(ErrBadRequest, "key is empty")
	}
	if !utf8.ValidString(key) {
		return Errorf(ErrBadRequest, "key %q is not valid UTF-8", key)
	}
	if len(key) > l.MaxKeySize {
		return Errorf(ErrTooLarge, "key is %d bytes, over the limit of %d", len(key), l.MaxKeySize)
	}
	return nil
}

// readBody reads the whole body, answering ErrTooLarge past limit bytes.
// A body whose length the request declares within limit is read into one
// buffer of that size.
func readBody(w http.ResponseWriter, r *http.Request, limit int64, what string) ([]byte, error) {
	if n := r.ContentLength; n > 0 && n <= limit {
		body := make([]byte, n)
		if _, err := io.ReadFull(r.Body, body); err != nil {
			return nil, Errorf(ErrBadRequest, "reading body: %v", err)
		}
		return body, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, Errorf(ErrTooLarge, "%s is over the limit of %d bytes", what, limit)
	}
	if err != nil {
		return nil, Errorf(ErrBadRequest, "reading body: %v", err)
	}
	return body, nil
}

// consistency returns whether a read asks for stale consistency.
func consistency(r *http.Request) (stale bool, err error) {
	switch c, _ := queryParam(r, ParamConsistency); c {
	case "", ConsistencyLinear:
		return false, nil
	case ConsistencyStale:
		return true, nil
	default:
		return false, Errorf(ErrBadRequest, "unknown consistency %q: use %q or %q", c, ConsistencyLinear, ConsistencyStale)
	}
}

// ifRevision parses ?if_revision=N; ok is false when the parameter is absent.
func ifRevision(r *http.Request) (rev uint64, ok bool, err error) {
	v, ok := queryParam(r, ParamIfRevision)
	if !ok {
		return 0, false, nil
	}
	rev, err = strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, false, Errorf(ErrBadRequest, "%s must be a non-negative integer, got %q", ParamIfRevision, v)
	}
	return rev, true, nil
}

// maxPlainParams is the most parameters a query may have for queryParam to
// read it in place; far below the limit url.ParseQuery enforces (10000).
const maxPlainParams = 16

// queryParam returns the first value of the query parameter name and
// whether the query has it, exactly as r.URL.Query() would. A plain query
// (no escapes, no semicolons, few parameters: every query the data API's
// clients send) is read in place, without allocating; any other is left to
// url.ParseQuery.
func queryParam(r *http.Request, name string) (string, bool) {
	raw := r.URL.RawQuery
	if raw == "" {
		return "", false
	}
	if strings.ContainsAny(raw, "%+;") || strings.Count(raw, "&") >= maxPlainParams {
		vs, ok := r.URL.Query()[name]
		if !ok {
			return "", false
		}
		return vs[0], true
	}
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if k, v, _ := strings.Cut(pair, "="); k == name {
			return v, true
		}
	}
	return "", false
}

// maxIdempotencyKey is the longest Idempotency-Key header accepted.
const maxIdempotencyKey = 256

func idempotencyKey(r *http.Request) (string, error) {
	k := r.Header.Get(HeaderIdempotencyKey)
	if len(k) > maxIdempotencyKey {
		return "", Errorf(ErrBadRequest, "%s is %d bytes, over the limit of %d", HeaderIdempotencyKey, len(k), maxIdempotencyKey)
	}
	return k, nil
}

// decodeStrictJSON decodes body, one JSON value, into v: invalid UTF-8,
// unknown fields and data after the value are refused as bad requests
// whose message starts with what.
func decodeStrictJSON(body []byte, what string, v any) error {
	if !utf8.Valid(body) {
		return Errorf(ErrBadRequest, "%s: the body is not valid UTF-8", what)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return Errorf(ErrBadRequest, "%s: %v", what, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Errorf(ErrBadRequest, "%s: data after the object", what)
	}
	return nil
}
