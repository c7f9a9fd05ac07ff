package clientui

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// fakeKeyLimit is the fake node's longest key, small as in the fuzz
// clusters of the node package.
const fakeKeyLimit = 256

// fakeNode is a storage node stand-in that serves the data API from
// nothing: reads find no key, scans no items, writes succeed. It refuses
// keys as a node does and records every write it accepted.
type fakeNode struct {
	srv    *httptest.Server
	mu     sync.Mutex
	writes []fakeWrite
}

// fakeWrite is one write a fakeNode accepted.
type fakeWrite struct {
	method, key string
	value       []byte
}

func newFakeNode(tb testing.TB) *fakeNode {
	n := &fakeNode{}
	n.srv = httptest.NewServer(http.HandlerFunc(n.serve))
	tb.Cleanup(n.srv.Close)
	return n
}

func (n *fakeNode) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/readyz":
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	case r.URL.Path == "/v1/scan":
		writeJSON(w, http.StatusOK, map[string]any{"items": []any{}, "next": ""})
	case strings.HasPrefix(r.URL.EscapedPath(), "/v1/kv/"):
		n.serveKey(w, r)
	default:
		writeError(w, http.StatusNotFound, "not_found", "no route")
	}
}

func (n *fakeNode) serveKey(w http.ResponseWriter, r *http.Request) {
	key, err := url.PathUnescape(strings.TrimPrefix(r.URL.EscapedPath(), "/v1/kv/"))
	switch {
	case err != nil || key == "" || !utf8.ValidString(key):
		writeError(w, http.StatusBadRequest, "bad_request", "bad key")
		return
	case len(key) > fakeKeyLimit:
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", "key too long")
		return
	case r.Method == http.MethodGet:
		writeError(w, http.StatusNotFound, "not_found", "no key")
		return
	}
	value, _ := io.ReadAll(r.Body)
	n.mu.Lock()
	n.writes = append(n.writes, fakeWrite{method: r.Method, key: key, value: value})
	n.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"revision": 1, "deleted": false})
}

// written returns the writes accepted so far.
func (n *fakeNode) written() []fakeWrite {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]fakeWrite(nil), n.writes...)
}

// uiRequest parses a request to the UI as a server would read it off the
// wire, or returns nil when the server would refuse it before any handler
// runs.
func uiRequest(method, target string, body []byte, fromPage bool, origin string) *http.Request {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%s %s HTTP/1.1\r\nHost: treekv\r\nContent-Length: %d\r\n", method, target, len(body))
	header := http.Header{"Origin": {origin}}
	if fromPage {
		header.Set(headerRequestedWith, requestedWithUI)
	}
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

// uiCodes are the error codes of the UI's endpoints and their statuses.
var uiCodes = map[string]int{
	"bad_request": 400, "forbidden": 403, "not_found": 404, "conflict": 409, "too_large": 413,
}

// FuzzUIHandler sends arbitrary requests to the client UI's JSON endpoints
// (/api/kv/{key}, /api/kv?key=, /api/scan, /api/health) through its whole
// handler, over a kv.Client, to a fake node. Every answer but a redirect
// is JSON, errors carry a known code with its status, and nothing is a
// 5xx; a refused request writes nothing; an accepted PUT writes exactly
// the key and value asked for, whatever their encoding.
func FuzzUIHandler(f *testing.F) {
	for _, s := range uiFuzzSeeds {
		f.Add(s.method, s.target, []byte(s.body), s.fromPage, s.origin)
	}
	fake := newFakeNode(f)
	s, err := New(Config{Endpoints: []string{fake.srv.URL}})
	require.NoError(f, err)
	f.Cleanup(s.Close)
	f.Fuzz(func(t *testing.T, method, target string, body []byte, fromPage bool, origin string) {
		if !strings.HasPrefix(target, "/api/") {
			return // the page's files: FuzzHandler of node/webassets
		}
		r := uiRequest(method, target, body, fromPage, origin)
		if r == nil {
			return
		}
		before := len(fake.written())
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		requireUIAnswer(t, w)
		writes := fake.written()[before:]
		if w.Code/100 != 2 {
			require.Empty(t, writes, "%s %s answered %d yet wrote", method, target, w.Code)
			return
		}
		if r.Method == http.MethodPut {
			require.Len(t, writes, 1)
			requirePutAsAsked(t, r, body, writes[0])
		}
	})
}

// requireUIAnswer checks an answer of the UI's endpoints.
func requireUIAnswer(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	require.Less(t, w.Code, 500, "%s", w.Body)
	if w.Code/100 == 3 {
		return
	}
	require.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"), "%d %s", w.Code, w.Body)
	var eb errorBody
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &eb), "%s", w.Body)
	if w.Code >= 400 {
		require.Equal(t, uiCodes[eb.Error.Code], w.Code, "status of code %q", eb.Error.Code)
		require.NotEmpty(t, eb.Error.Message)
	}
}

// requirePutAsAsked checks that the write a PUT made is the key its path
// or ?key= names and the value of its JSON body.
func requirePutAsAsked(t *testing.T, r *http.Request, body []byte, got fakeWrite) {
	t.Helper()
	require.True(t, utf8.Valid(body), "a body that is not UTF-8 was accepted")
	key := strings.TrimPrefix(r.URL.Path, "/api/kv/")
	if q := r.URL.Query(); q.Has("key") {
		key = q.Get("key")
	}
	var req putRequest
	require.NoError(t, json.Unmarshal(body, &req))
	require.Equal(t, fakeWrite{method: http.MethodPut, key: key, value: []byte(*req.Value)}, got)
}

// uiFuzzSeeds are valid requests and near misses of every endpoint.
var uiFuzzSeeds = []struct {
	method, target, body string
	fromPage             bool
	origin               string
}{
	{"PUT", "/api/kv/a", `{"value":"v"}`, true, ""},
	{"PUT", "/api/kv/a%2Fb", `{"value":"v","if_revision":0}`, true, "http://treekv"},
	{"PUT", "/api/kv?key=..", `{"value":"dot dot"}`, true, ""},
	{"PUT", "/api/kv?key=..%2F..%2Fetc%2Fpasswd", `{"value":"x"}`, true, ""},
	{"PUT", "/api/kv/../kv/a", `{"value":"x"}`, true, ""},
	{"PUT", "/api/kv/%FF", `{"value":"x"}`, true, ""},
	{"PUT", "/api/kv/%zz", `{"value":"x"}`, true, ""},
	{"PUT", "/api/kv/a", "{\"value\":\"v\xff\"}", true, ""},
	{"PUT", "/api/kv/a", `{"value":"v"} {}`, true, ""},
	{"PUT", "/api/kv/a", `{"value":null}`, true, ""},
	{"PUT", "/api/kv/a", `{"value":"v","extra":1}`, true, ""},
	{"PUT", "/api/kv/a", `{"value":"v"}`, false, ""},
	{"PUT", "/api/kv/a", `{"value":"v"}`, true, "https://evil.example"},
	{"PUT", "/api/kv/" + strings.Repeat("k", fakeKeyLimit+1), `{"value":"v"}`, true, ""},
	{"DELETE", "/api/kv/a?if_revision=3", "", true, ""},
	{"DELETE", "/api/kv/a?if_revision=-1", "", true, ""},
	{"DELETE", "/api/kv?key=", "", true, ""},
	{"GET", "/api/kv/a", "", false, ""},
	{"GET", "/api/kv?key=%FF", "", false, ""},
	{"GET", "/api/scan?prefix=a&limit=10&cursor=", "", false, ""},
	{"GET", "/api/scan?limit=0", "", false, ""},
	{"GET", "/api/health", "", false, ""},
	{"POST", "/api/kv/a", "", true, ""},
	{"GET", "/api/nope", "", false, ""},
}
