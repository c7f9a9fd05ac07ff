package kv

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestClientRequestShapeAndAnswer(t *testing.T) {
	txn := TxnRequest{
		Compare: []TxnCompare{{Key: "a", Target: "mod", Op: "=", Number: 4}},
		Success: []TxnOp{{Op: "put", Key: "a", Value: []byte("x")}},
		Failure: []TxnOp{{Op: "get", Key: "a"}},
	}
	txnBody, err := json.Marshal(txn)
	require.NoError(t, err)
	readTxn := TxnRequest{Success: []TxnOp{{Op: "get", Key: "a"}}, Failure: []TxnOp{{Op: "get", Key: "b"}}}
	readTxnBody, err := json.Marshal(readTxn)
	require.NoError(t, err)
	tests := []struct {
		name                string
		reply               fakeReply
		call                func(context.Context, *Client) (any, error)
		method, path, query string
		body                string
		write               bool
		want                any
	}{
		{
			name:   "Get escapes a key with a slash and a space",
			reply:  fakeReply{status: 200, header: map[string]string{"X-Kv-Revision": "7"}, body: "v1"},
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Get(ctx, "a/b c") },
			method: "GET", path: "/v1/kv/a%2Fb%20c",
			want: Value{Data: []byte("v1"), Revision: 7},
		},
		{
			name:   "Get escapes a dot-dot key",
			reply:  fakeReply{status: 200, header: map[string]string{"X-Kv-Revision": "2"}, body: ""},
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Get(ctx, "..") },
			method: "GET", path: "/v1/kv/%2E%2E",
			want: Value{Data: []byte{}, Revision: 2},
		},
		{
			name:   "GetStale asks for stale consistency",
			reply:  fakeReply{status: 200, header: map[string]string{"X-Kv-Revision": "3"}, body: "old"},
			call:   func(ctx context.Context, c *Client) (any, error) { return c.GetStale(ctx, "k") },
			method: "GET", path: "/v1/kv/k", query: "consistency=stale",
			want: Value{Data: []byte("old"), Revision: 3},
		},
		{
			name:   "Put sends the raw value",
			reply:  ok(`{"revision":9}`),
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Put(ctx, "a/b", []byte("val")) },
			method: "PUT", path: "/v1/kv/a%2Fb", body: "val", write: true,
			want: uint64(9),
		},
		{
			name:  "CompareAndSwap sends if_revision",
			reply: ok(`{"revision":10}`),
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CompareAndSwap(ctx, "k", []byte("new"), 5)
			},
			method: "PUT", path: "/v1/kv/k", query: "if_revision=5", body: "new", write: true,
			want: uint64(10),
		},
		{
			name:  "CompareAndSwap with revision 0 creates only",
			reply: ok(`{"revision":1}`),
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CompareAndSwap(ctx, "k", []byte("first"), 0)
			},
			method: "PUT", path: "/v1/kv/k", query: "if_revision=0", body: "first", write: true,
			want: uint64(1),
		},
		{
			name:  "Delete decodes deleted and revision",
			reply: ok(`{"deleted":true,"revision":11}`),
			call: func(ctx context.Context, c *Client) (any, error) {
				deleted, rev, err := c.Delete(ctx, "a/b")
				return []any{deleted, rev}, err
			},
			method: "DELETE", path: "/v1/kv/a%2Fb", write: true,
			want: []any{true, uint64(11)},
		},
		{
			name:  "CompareAndDelete sends if_revision",
			reply: ok(`{"deleted":false,"revision":12}`),
			call: func(ctx context.Context, c *Client) (any, error) {
				deleted, rev, err := c.CompareAndDelete(ctx, "k", 4)
				return []any{deleted, rev}, err
			},
			method: "DELETE", path: "/v1/kv/k", query: "if_revision=4", write: true,
			want: []any{false, uint64(12)},
		},
		{
			name:  "Scan sends every option",
			reply: ok(`{"items":[{"key":"p/a","value":"eA==","revision":5}],"next":"c2"}`),
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Scan(ctx, ScanOptions{Prefix: "p/", Start: "p/a", End: "p/z", Limit: 10, Cursor: "c1", Stale: true})
			},
			method: "GET", path: "/v1/scan",
			query: "prefix=p%2F&start=p%2Fa&end=p%2Fz&limit=10&cursor=c1&consistency=stale",
			want:  ScanPage{Items: []ScanItem{{Key: "p/a", Value: []byte("x"), Revision: 5}}, Next: "c2"},
		},
		{
			name:   "Scan with zero options sends no parameters",
			reply:  ok(`{"items":[],"next":""}`),
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Scan(ctx, ScanOptions{}) },
			method: "GET", path: "/v1/scan",
			want: ScanPage{Items: []ScanItem{}},
		},
		{
			name:   "Txn posts the request as JSON",
			reply:  ok(`{"succeeded":true,"revision":13,"results":[{"op":"put","key":"a","revision":13}]}`),
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Txn(ctx, txn) },
			method: "POST", path: "/v1/txn", body: string(txnBody), write: true,
			want: TxnResponse{Succeeded: true, Revision: 13, Results: []TxnOpResult{{Op: "put", Key: "a", Revision: 13}}},
		},
		{
			name:   "Txn that only gets is sent as a read, without an idempotency key",
			reply:  ok(`{"succeeded":true,"revision":13,"results":[{"op":"get","key":"a","found":false}]}`),
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Txn(ctx, readTxn) },
			method: "POST", path: "/v1/txn", body: string(readTxnBody),
			want: TxnResponse{Succeeded: true, Revision: 13, Results: []TxnOpResult{{Op: "get", Key: "a"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, tt.reply)
			got, err := tt.call(t.Context(), newFakeClient(t, 1, srv.URL))
			require.NoError(t, err)
			require.Equal(t, tt.want, got)

			reqs := srv.requests()
			require.Len(t, reqs, 1)
			wantQuery, err := url.ParseQuery(tt.query)
			require.NoError(t, err)
			require.Equal(t, tt.method, reqs[0].method)
			require.Equal(t, tt.path, reqs[0].path)
			require.Equal(t, wantQuery, reqs[0].query)
			require.Equal(t, tt.body, string(reqs[0].body))
			require.Equal(t, tt.write, reqs[0].header.Get("Idempotency-Key") != "", "Idempotency-Key on writes only")
		})
	}
}

func TestClientRefusesBadInputLocally(t *testing.T) {
	tests := []struct {
		name string
		call func(context.Context, *Client) error
	}{
		{"Get", func(ctx context.Context, c *Client) error { _, err := c.Get(ctx, ""); return err }},
		{"GetStale", func(ctx context.Context, c *Client) error { _, err := c.GetStale(ctx, ""); return err }},
		{"Put", func(ctx context.Context, c *Client) error { _, err := c.Put(ctx, "", []byte("v")); return err }},
		{"CompareAndSwap", func(ctx context.Context, c *Client) error {
			_, err := c.CompareAndSwap(ctx, "", nil, 1)
			return err
		}},
		{"Delete", func(ctx context.Context, c *Client) error { _, _, err := c.Delete(ctx, ""); return err }},
		{"CompareAndDelete", func(ctx context.Context, c *Client) error {
			_, _, err := c.CompareAndDelete(ctx, "", 1)
			return err
		}},
		{"Scan with a negative limit", func(ctx context.Context, c *Client) error {
			_, err := c.Scan(ctx, ScanOptions{Limit: -1})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, ok(`{}`))
			err := tt.call(t.Context(), newFakeClient(t, 1, srv.URL))
			require.ErrorIs(t, err, ErrBadRequest)
			require.Empty(t, srv.requests(), "no request may be sent")
		})
	}
}

func TestClientErrorCodesMapToSentinels(t *testing.T) {
	tests := []struct {
		name     string
		reply    fakeReply
		want     error
		wantCode string
	}{
		{"bad_request", apiError(400, "bad_request"), ErrBadRequest, "bad_request"},
		{"unauthorized", apiError(401, "unauthorized"), ErrUnauthorized, "unauthorized"},
		{"not_found", apiError(404, "not_found"), ErrNotFound, "not_found"},
		{"too_large", apiError(413, "too_large"), ErrTooLarge, "too_large"},
		{"internal", apiError(500, "internal"), ErrInternal, "internal"},
		{"unavailable", apiError(503, "unavailable"), ErrUnavailable, "unavailable"},
		{"indeterminate 503", apiError(503, "indeterminate"), ErrIndeterminate, "indeterminate"},
		{"indeterminate 504", apiError(504, "indeterminate"), ErrIndeterminate, "indeterminate"},
		{"unknown code", apiError(500, "teapot"), ErrInternal, "teapot"},
		{"bare 404", fakeReply{status: 404, body: "404 page not found"}, ErrNotFound, "not_found"},
		{"bare 413", fakeReply{status: 413}, ErrTooLarge, "too_large"},
		{"bare 500", fakeReply{status: 500, body: "boom"}, ErrInternal, "internal"},
		{"bare 502", fakeReply{status: 502}, ErrIndeterminate, "indeterminate"},
		{"bare 503", fakeReply{status: 503}, ErrUnavailable, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, tt.reply)
			_, err := newFakeClient(t, 1, srv.URL).Put(t.Context(), "k", []byte("v"))
			require.ErrorIs(t, err, tt.want)
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			require.Equal(t, tt.reply.status, apiErr.StatusCode)
			require.Equal(t, tt.wantCode, apiErr.Code)
			require.NotEmpty(t, apiErr.Message)
		})
	}
}

func TestClientConflictCarriesRevision(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		call     func(context.Context, *Client) error
		wantRev  uint64
		wantText string
	}{
		{
			name: "CompareAndSwap on a newer key",
			body: `{"error":{"code":"conflict","message":"revision differs","revision":12}}`,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CompareAndSwap(ctx, "k", []byte("v"), 3)
				return err
			},
			wantRev: 12, wantText: "its revision is 12",
		},
		{
			name: "CompareAndDelete on an absent key",
			body: `{"error":{"code":"conflict","message":"absent","revision":0}}`,
			call: func(ctx context.Context, c *Client) error {
				_, _, err := c.CompareAndDelete(ctx, "k", 3)
				return err
			},
			wantRev: 0, wantText: "the key is absent",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, fakeReply{status: 409, body: tt.body})
			err := tt.call(t.Context(), newFakeClient(t, 6, srv.URL))
			require.ErrorIs(t, err, ErrConflict)
			var conflict *ConflictError
			require.ErrorAs(t, err, &conflict)
			require.Equal(t, ConflictError{Key: "k", Revision: tt.wantRev}, *conflict)
			require.Contains(t, err.Error(), tt.wantText)
			require.Len(t, srv.requests(), 1, "a conflict is not retried")
		})
	}
}

func TestClientMalformedAnswerIsInternal(t *testing.T) {
	tests := []struct {
		name  string
		reply fakeReply
		call  func(context.Context, *Client) error
	}{
		{"Get without a revision header", fakeReply{status: 200, body: "v"},
			func(ctx context.Context, c *Client) error { _, err := c.Get(ctx, "k"); return err }},
		{"Put with a body that is not JSON", ok("revision: 3"),
			func(ctx context.Context, c *Client) error { _, err := c.Put(ctx, "k", nil); return err }},
		{"Scan with a body that is not JSON", ok("<html>"),
			func(ctx context.Context, c *Client) error { _, err := c.Scan(ctx, ScanOptions{}); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, tt.reply)
			err := tt.call(t.Context(), newFakeClient(t, 6, srv.URL))
			require.ErrorIs(t, err, ErrInternal)
			require.Len(t, srv.requests(), 1)
		})
	}
}

func TestClientReadCappedRefusesAnswersOverTheLimit(t *testing.T) {
	b, err := readCapped(strings.NewReader("12345"), 5)
	require.NoError(t, err)
	require.Equal(t, "12345", string(b))
	_, err = readCapped(strings.NewReader("123456"), 5)
	require.ErrorIs(t, err, ErrTooLarge)
}

func TestClientScanAllFollowsCursors(t *testing.T) {
	srv := newFakeServer(t,
		ok(`{"items":[{"key":"a","value":"MQ==","revision":1},{"key":"b","value":"Mg==","revision":2}],"next":"c1"}`),
		ok(`{"items":[{"key":"c","value":"Mw==","revision":3}],"next":"c2"}`),
		ok(`{"items":[],"next":""}`),
	)
	items, err := newFakeClient(t, 1, srv.URL).ScanAll(t.Context(), ScanOptions{Prefix: "", Limit: 2})
	require.NoError(t, err)
	require.Equal(t, []ScanItem{
		{Key: "a", Value: []byte("1"), Revision: 1},
		{Key: "b", Value: []byte("2"), Revision: 2},
		{Key: "c", Value: []byte("3"), Revision: 3},
	}, items)

	var cursors []string
	for _, r := range srv.requests() {
		require.Equal(t, "2", r.query.Get("limit"), "every page keeps the page size")
		cursors = append(cursors, r.query.Get("cursor"))
	}
	require.Equal(t, []string{"", "c1", "c2"}, cursors)
}

func TestClientScanAllRefusesACursorThatDoesNotAdvance(t *testing.T) {
	srv := newFakeServer(t, ok(`{"items":[],"next":"same"}`))
	_, err := newFakeClient(t, 1, srv.URL).ScanAll(t.Context(), ScanOptions{})
	require.ErrorIs(t, err, ErrInternal)
	require.Len(t, srv.requests(), 2)
}

func TestNewClientValidatesConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     ClientConfig
		wantErr string
	}{
		{"no endpoints", ClientConfig{}, "Endpoints is empty"},
		{"blank endpoint", ClientConfig{Endpoints: []string{"h:1", " "}}, `Endpoints[1] (" ") is empty`},
		{"bad scheme", ClientConfig{Endpoints: []string{"ftp://h:1"}}, `has scheme "ftp": want http or https`},
		{"no host", ClientConfig{Endpoints: []string{"http://"}}, "has no host"},
		{"query", ClientConfig{Endpoints: []string{"http://h:1/?a=b"}}, "must be a base URL"},
		{"unparsable", ClientConfig{Endpoints: []string{"http://h:port"}}, "is not a URL"},
		{"negative attempts", ClientConfig{Endpoints: []string{"h:1"}, MaxAttempts: -1},
			"MaxAttempts (-1) cannot be negative"},
		{"negative base backoff", ClientConfig{Endpoints: []string{"h:1"}, BaseBackoff: -time.Second},
			"BaseBackoff (-1s) cannot be negative"},
		{"negative max backoff", ClientConfig{Endpoints: []string{"h:1"}, MaxBackoff: -time.Second},
			"MaxBackoff (-1s) cannot be negative"},
		{"base over max", ClientConfig{Endpoints: []string{"h:1"}, BaseBackoff: 2 * time.Second, MaxBackoff: time.Second},
			"BaseBackoff (2s) cannot be larger than MaxBackoff (1s)"},
		{"base over default max", ClientConfig{Endpoints: []string{"h:1"}, BaseBackoff: 2 * time.Second},
			"BaseBackoff (2s) cannot be larger than MaxBackoff (1s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient(tt.cfg)
			require.ErrorContains(t, err, tt.wantErr)
			require.Nil(t, c)
		})
	}
}

func TestNewClientNormalizesEndpointsAndDefaults(t *testing.T) {
	c, err := NewClient(ClientConfig{Endpoints: []string{"127.0.0.1:1", "http://h:2/", "https://h/prefix/"}})
	require.NoError(t, err)
	defer c.Close()
	require.Equal(t, []string{"http://127.0.0.1:1", "http://h:2", "https://h/prefix"}, c.endpoints)
	require.Equal(t, 6, c.maxAttempts)
	require.Equal(t, 25*time.Millisecond, c.baseBackoff)
	require.Equal(t, time.Second, c.maxBackoff)
	require.NotSame(t, http.DefaultClient, c.http)
	require.NotSame(t, http.DefaultTransport, c.http.Transport)
	require.NotNil(t, c.http.Transport)
}

func TestClientUsesTheGivenHTTPClient(t *testing.T) {
	srv := newFakeServer(t, ok(`{"revision":1}`))
	base := &http.Transport{}
	t.Cleanup(base.CloseIdleConnections)
	var used bool
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		used = true
		return base.RoundTrip(r)
	})}
	c, err := NewClient(ClientConfig{Endpoints: []string{srv.URL}, HTTPClient: hc})
	require.NoError(t, err)
	_, err = c.Put(t.Context(), "k", nil)
	require.NoError(t, err)
	require.True(t, used)
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&Error{StatusCode: 404, Code: "not_found", Message: `key "a" not found`}, `kv: not_found (HTTP 404): key "a" not found`},
		{&Error{StatusCode: 503, Code: "unavailable"}, "kv: unavailable (HTTP 503)"},
		{&ConflictError{Key: "a", Revision: 4}, `kv: conflict on key "a": its revision is 4`},
		{&ConflictError{Key: "a"}, `kv: conflict on key "a": the key is absent`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			require.Equal(t, tt.want, tt.err.Error())
		})
	}
}
