package node

import (
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
func readBody(w http.ResponseWriter, r *http.Request, limit int64, what string) ([]byte, error) {
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
	switch c := r.URL.Query().Get(ParamConsistency); c {
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
	q := r.URL.Query()
	if !q.Has(ParamIfRevision) {
		return 0, false, nil
	}
	rev, err = strconv.ParseUint(q.Get(ParamIfRevision), 10, 64)
	if err != nil {
		return 0, false, Errorf(ErrBadRequest, "%s must be a non-negative integer, got %q", ParamIfRevision, q.Get(ParamIfRevision))
	}
	return rev, true, nil
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
