package clientui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"unicode/utf8"
)

// maxPutBody bounds the JSON body of PUT /api/kv/{key}: a value of the
// default 1 MiB limit, escaped, fits.
const maxPutBody = 8 << 20

// valueJSON is the answer of GET /api/kv/{key}. Value is the raw value in
// base64; Text is the value itself when it is valid UTF-8 (IsText).
type valueJSON struct {
	Key      string    `json:"key"`
	Value    []byte    `json:"value"`
	Text     string    `json:"text,omitempty"`
	IsText   bool      `json:"is_text"`
	Size     int       `json:"size"`
	Revision uint64    `json:"revision"`
	Call     *callJSON `json:"call"`
}

// putRequest is the body of PUT /api/kv/{key}. IfRevision, when set, makes
// the write a compare-and-swap (0: only if the key is absent).
type putRequest struct {
	Value      *string `json:"value"`
	IfRevision *uint64 `json:"if_revision"`
}

// writeJSONAnswer is the answer of PUT and DELETE.
type writeJSONAnswer struct {
	Key      string    `json:"key"`
	Revision uint64    `json:"revision"`
	Deleted  *bool     `json:"deleted,omitempty"`
	Call     *callJSON `json:"call"`
}

// requestKey is the key a request names: the rest of the path after
// /api/kv/, or the query parameter key, which also carries the keys "." and
// ".." that a URL path cannot.
func requestKey(r *http.Request) string {
	if q := r.URL.Query(); q.Has("key") {
		return q.Get("key")
	}
	return r.PathValue("key")
}

// callContext bounds a call to the cluster made for r.
func callContext(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), callTimeout)
}

// getKey answers GET /api/kv/{key}: the key's value, read linearizably.
func (s *Server) getKey(w http.ResponseWriter, r *http.Request) {
	key := requestKey(r)
	ctx, cancel := callContext(r)
	defer cancel()
	t := track(ctx)
	v, err := s.client.Get(t.ctx, key)
	call := t.done()
	if err != nil {
		s.writeCallError(w, r, err, call)
		return
	}
	ans := valueJSON{Key: key, Value: v.Data, Size: len(v.Data), Revision: v.Revision, Call: call}
	if utf8.Valid(v.Data) {
		ans.Text, ans.IsText = string(v.Data), true
	}
	writeJSON(w, http.StatusOK, ans)
}

// putKey answers PUT /api/kv/{key}: sets the key, or compares and swaps it
// when the body has if_revision.
func (s *Server) putKey(w http.ResponseWriter, r *http.Request) {
	key := requestKey(r)
	req, err := readPut(w, r)
	if errors.Is(err, errBodyTooLarge) {
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", err.Error())
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	t := track(ctx)
	var rev uint64
	if req.IfRevision != nil {
		rev, err = s.client.CompareAndSwap(t.ctx, key, []byte(*req.Value), *req.IfRevision)
	} else {
		rev, err = s.client.Put(t.ctx, key, []byte(*req.Value))
	}
	call := t.done()
	if err != nil {
		s.writeCallError(w, r, err, call)
		return
	}
	writeJSON(w, http.StatusOK, writeJSONAnswer{Key: key, Revision: rev, Call: call})
}

// errBodyTooLarge reports a PUT body over maxPutBody.
var errBodyTooLarge = errors.New("body is over the limit of " + strconv.Itoa(maxPutBody) + " bytes")

// readPut decodes the body of a PUT, which must be valid UTF-8 (JSON would
// silently turn other bytes into U+FFFD).
func readPut(w http.ResponseWriter, r *http.Request) (putRequest, error) {
	var req putRequest
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPutBody))
	if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
		return req, errBodyTooLarge
	}
	if err != nil || !utf8.Valid(body) {
		return req, errors.New("body must be JSON in UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, errors.New("body must be JSON {\"value\": string, \"if_revision\": number (optional)}: " + err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return req, errors.New("body must hold one JSON object")
	}
	if req.Value == nil {
		return req, errors.New(`body needs "value"`)
	}
	return req, nil
}

// deleteKey answers DELETE /api/kv/{key}: removes the key, or compares and
// deletes it with ?if_revision=N.
func (s *Server) deleteKey(w http.ResponseWriter, r *http.Request) {
	key := requestKey(r)
	ifRev, hasIf, err := queryRevision(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	t := track(ctx)
	var deleted bool
	var rev uint64
	if hasIf {
		deleted, rev, err = s.client.CompareAndDelete(t.ctx, key, ifRev)
	} else {
		deleted, rev, err = s.client.Delete(t.ctx, key)
	}
	call := t.done()
	if err != nil {
		s.writeCallError(w, r, err, call)
		return
	}
	writeJSON(w, http.StatusOK, writeJSONAnswer{Key: key, Revision: rev, Deleted: &deleted, Call: call})
}

// queryRevision reads the optional ?if_revision=N.
func queryRevision(r *http.Request) (uint64, bool, error) {
	raw := r.URL.Query().Get("if_revision")
	if raw == "" {
		return 0, false, nil
	}
	rev, err := strconv.ParseUint(raw, 10, 64)
	if err != nil {
		return 0, false, errors.New("if_revision must be a non-negative integer")
	}
	return rev, true, nil
}
