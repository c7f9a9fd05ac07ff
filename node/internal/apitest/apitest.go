// Package apitest holds what the fuzz tests of the HTTP APIs built on the
// node's conventions (the node, the balancer, the controller) share: a
// request read as a server reads it off the wire, the error contract of
// design.md, and the strict JSON those APIs accept. It imports no treekv
// package, so the node's own tests can use it.
package apitest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// WireRequest parses a request with header and body as a server would
// read it off the wire. It returns nil when the server would refuse it
// before any handler runs, and for a CONNECT or a target of the asterisk
// form, which ServeMux answers itself.
func WireRequest(method, target string, header http.Header, body []byte) *http.Request {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%s %s HTTP/1.1\r\nHost: treekv\r\nContent-Length: %d\r\n", method, target, len(body))
	if header.Write(&buf) != nil {
		return nil
	}
	buf.WriteString("\r\n")
	buf.Write(body)
	r, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil || r.Method == http.MethodConnect || r.RequestURI == "*" {
		return nil
	}
	return r
}

// DesignStatuses returns the statuses design.md gives an error code, and
// none for a code it does not name.
func DesignStatuses(code string) []int {
	return map[string][]int{
		"bad_request": {400}, "unauthorized": {401}, "not_found": {404}, "conflict": {409},
		"too_large": {413}, "unavailable": {503}, "indeterminate": {503, 504}, "internal": {500},
	}[code]
}

// errorBody is the JSON error of design.md.
type errorBody struct {
	Error struct {
		Code     string  `json:"code"`
		Message  string  `json:"message"`
		Revision *uint64 `json:"revision,omitempty"`
	} `json:"error"`
}

// RequireAnswer checks the API's answer contract: never a 500; a 2xx or
// 3xx, or an error whose body is the JSON error, with a message, and whose
// status is one of those statuses gives its code.
func RequireAnswer(t *testing.T, rec *httptest.ResponseRecorder, statuses func(code string) []int) {
	t.Helper()
	require.NotEqual(t, http.StatusInternalServerError, rec.Code, "%s", rec.Body)
	if rec.Code < 400 {
		return
	}
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"), "%d %s", rec.Code, rec.Body)
	var eb errorBody
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &eb), "%d %s", rec.Code, rec.Body)
	require.NotEmpty(t, eb.Error.Message, "%s", rec.Body)
	require.Contains(t, statuses(eb.Error.Code), rec.Code, "status of code %q", eb.Error.Code)
}

// StrictJSON decodes data into v as the APIs should accept it: valid UTF-8
// holding one JSON value, no unknown fields, nothing after it.
func StrictJSON(data []byte, v any) bool {
	if !utf8.Valid(data) {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if dec.Decode(v) != nil {
		return false
	}
	_, err := dec.Token()
	return err == io.EOF
}
