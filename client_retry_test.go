package kv

import (
	"bytes"
	"context"
	"io"
	"math"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// writeAnswer decodes as the answer of Put, Delete and Txn alike.
const writeAnswer = `{"revision":3,"deleted":true,"succeeded":true}`

// writeCalls are the calls that send a write.
func writeCalls() []struct {
	name string
	call func(context.Context, *Client) error
} {
	return []struct {
		name string
		call func(context.Context, *Client) error
	}{
		{"Put", func(ctx context.Context, c *Client) error { _, err := c.Put(ctx, "k", []byte("v")); return err }},
		{"CompareAndSwap", func(ctx context.Context, c *Client) error {
			_, err := c.CompareAndSwap(ctx, "k", []byte("v"), 2)
			return err
		}},
		{"Delete", func(ctx context.Context, c *Client) error { _, _, err := c.Delete(ctx, "k"); return err }},
		{"Txn", func(ctx context.Context, c *Client) error {
			_, err := c.Txn(ctx, TxnRequest{Success: []TxnOp{{Op: "delete", Key: "k"}}})
			return err
		}},
	}
}

func getCall(ctx context.Context, c *Client) error { _, err := c.Get(ctx, "k"); return err }

func readTxnCall(ctx context.Context, c *Client) error {
	_, err := c.Txn(ctx, TxnRequest{Success: []TxnOp{{Op: "get", Key: "k"}}})
	return err
}

func putCall(ctx context.Context, c *Client) error {
	_, err := c.Put(ctx, "k", []byte("v"))
	return err
}

func idempotencyKeys(reqs []fakeRequest) []string {
	keys := make([]string, len(reqs))
	for i, r := range reqs {
		keys[i] = r.header.Get("Idempotency-Key")
	}
	return keys
}

func TestRetryUnavailableReusesTheIdempotencyKey(t *testing.T) {
	for _, tt := range writeCalls() {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, apiError(503, "unavailable"), apiError(503, "unavailable"), ok(writeAnswer))
			c := newFakeClient(t, 6, srv.URL)
			require.NoError(t, tt.call(t.Context(), c))

			keys := idempotencyKeys(srv.requests())
			require.Len(t, keys, 3)
			require.Regexp(t, regexp.MustCompile(`^[0-9a-f]{32}$`), keys[0])
			require.Equal(t, []string{keys[0], keys[0], keys[0]}, keys)

			require.NoError(t, tt.call(t.Context(), c))
			require.NotEqual(t, keys[0], idempotencyKeys(srv.requests())[3], "a new call has a new key")
		})
	}
}

func TestRetryIndeterminateReusesTheIdempotencyKey(t *testing.T) {
	srv := newFakeServer(t, apiError(504, "indeterminate"), ok(writeAnswer))
	rev, err := newFakeClient(t, 6, srv.URL).Put(t.Context(), "k", []byte("v"))
	require.NoError(t, err)
	require.Equal(t, uint64(3), rev)
	keys := idempotencyKeys(srv.requests())
	require.Len(t, keys, 2)
	require.NotEmpty(t, keys[0])
	require.Equal(t, keys[0], keys[1])
}

func TestRetryBadGateway(t *testing.T) {
	srv := newFakeServer(t, fakeReply{status: 502, body: "upstream gone"},
		fakeReply{status: 200, header: map[string]string{"X-Kv-Revision": "4"}, body: "v"})
	v, err := newFakeClient(t, 6, srv.URL).Get(t.Context(), "k")
	require.NoError(t, err)
	require.Equal(t, Value{Data: []byte("v"), Revision: 4}, v)
	require.Len(t, srv.requests(), 2)
}

func TestRetryNeverRetriesFinalErrors(t *testing.T) {
	tests := []struct {
		code   string
		status int
	}{
		{"bad_request", 400}, {"unauthorized", 401}, {"not_found", 404},
		{"conflict", 409}, {"too_large", 413}, {"internal", 500},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			srv := newFakeServer(t, apiError(tt.status, tt.code), ok(writeAnswer))
			require.Error(t, putCall(t.Context(), newFakeClient(t, 6, srv.URL)))
			require.Len(t, srv.requests(), 1)
		})
	}
}

func TestRetryRotatesAcrossEndpoints(t *testing.T) {
	okValue := fakeReply{status: 200, header: map[string]string{"X-Kv-Revision": "1"}, body: "v"}
	a := newFakeServer(t, apiError(503, "unavailable"), okValue)
	b := newFakeServer(t, apiError(503, "unavailable"), okValue)
	c := newFakeClient(t, 6, a.URL, b.URL)

	require.NoError(t, getCall(t.Context(), c)) // a fails, b fails, a answers
	require.Len(t, a.requests(), 2)
	require.Len(t, b.requests(), 1)

	require.NoError(t, getCall(t.Context(), c)) // the next call starts on b
	require.Len(t, a.requests(), 2)
	require.Len(t, b.requests(), 2)
}

func TestRetryExhaustedAttempts(t *testing.T) {
	tests := []struct {
		name         string
		replies      []fakeReply
		refused      bool
		call         func(context.Context, *Client) error
		want, not    error
		wantRequests int
	}{
		{"write answered indeterminate", []fakeReply{apiError(504, "indeterminate")}, false,
			putCall, ErrIndeterminate, ErrUnavailable, 3},
		{"write answered unavailable", []fakeReply{apiError(503, "unavailable")}, false,
			putCall, ErrUnavailable, ErrIndeterminate, 3},
		{"write answered indeterminate, then unavailable",
			[]fakeReply{apiError(504, "indeterminate"), apiError(503, "unavailable")}, false,
			putCall, ErrIndeterminate, ErrUnavailable, 3},
		{"write whose connection breaks after sending", []fakeReply{{hangup: true}}, false,
			putCall, ErrIndeterminate, ErrUnavailable, 3},
		{"write to a refused address", []fakeReply{ok(writeAnswer)}, true,
			putCall, ErrUnavailable, ErrIndeterminate, 0},
		{"read answered indeterminate", []fakeReply{apiError(504, "indeterminate")}, false,
			getCall, ErrUnavailable, ErrIndeterminate, 3},
		{"read-only txn whose connection breaks after sending", []fakeReply{{hangup: true}}, false,
			readTxnCall, ErrUnavailable, ErrIndeterminate, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, tt.replies...)
			if tt.refused {
				srv.Close()
			}
			err := tt.call(t.Context(), newFakeClient(t, 3, srv.URL))
			require.ErrorIs(t, err, tt.want)
			require.NotErrorIs(t, err, tt.not)
			require.Contains(t, err.Error(), "gave up after 3 attempts")
			require.Len(t, srv.requests(), tt.wantRequests)
		})
	}
}

// cancellingClient returns an HTTP client that answers as srv does, then
// cancels the call's context, as if the caller gave up during the attempt.
func cancellingClient(t *testing.T, cancel context.CancelFunc) *http.Client {
	base := &http.Transport{}
	t.Cleanup(base.CloseIdleConnections)
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := base.RoundTrip(r)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			resp.Body = io.NopCloser(bytes.NewReader(body))
		}
		cancel()
		return resp, err
	})}
}

func TestRetryStopsWhenTheContextIsDone(t *testing.T) {
	tests := []struct {
		name      string
		reply     fakeReply
		call      func(context.Context, *Client) error
		want, not error
	}{
		{"read after an unavailable answer", apiError(503, "unavailable"), getCall, ErrUnavailable, ErrIndeterminate},
		{"write after an unavailable answer", apiError(503, "unavailable"), putCall, ErrUnavailable, ErrIndeterminate},
		{"write after an indeterminate answer", apiError(504, "indeterminate"), putCall, ErrIndeterminate, ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, tt.reply)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			c, err := NewClient(ClientConfig{Endpoints: []string{srv.URL}, HTTPClient: cancellingClient(t, cancel),
				BaseBackoff: time.Minute, MaxBackoff: time.Minute})
			require.NoError(t, err)

			err = tt.call(ctx, c)
			require.ErrorIs(t, err, context.Canceled)
			require.ErrorIs(t, err, tt.want, "the error wraps what the attempt showed")
			require.NotErrorIs(t, err, tt.not)
			require.Len(t, srv.requests(), 1)
		})
	}
}

func TestRetryWriteCancelledBeforeSendingIsNotIndeterminate(t *testing.T) {
	srv := newFakeServer(t, ok(writeAnswer))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := putCall(ctx, newFakeClient(t, 6, srv.URL))
	require.ErrorIs(t, err, context.Canceled)
	require.NotErrorIs(t, err, ErrIndeterminate)
	require.Empty(t, srv.requests())
}

func TestErrorFailureClassifiesAnswers(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		body       string
		retryAfter string
		retryable  bool
		maybeDone  bool
		wantAfter  time.Duration
	}{
		{"unavailable certainly did not apply", 503, `{"error":{"code":"unavailable"}}`, "2", true, false, 2 * time.Second},
		{"indeterminate may have applied", 504, `{"error":{"code":"indeterminate"}}`, "", true, true, 0},
		{"bare 502 may have applied", 502, ``, "", true, true, 0},
		{"502 with a final code is still retried", 502, `{"error":{"code":"internal"}}`, "", true, true, 0},
		{"not found is final", 404, `{"error":{"code":"not_found"}}`, "", false, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{}}
			if tt.retryAfter != "" {
				resp.Header.Set("Retry-After", tt.retryAfter)
			}
			f := errorFailure(resp, []byte(tt.body), &apiCall{})
			require.Equal(t, tt.retryable, f.retryable, "retryable")
			require.Equal(t, tt.maybeDone, f.maybeDone, "maybeDone")
			require.Equal(t, tt.wantAfter, f.retryAfter)
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"", 0}, {"3", 3 * time.Second}, {" 1 ", time.Second}, {"0", 0}, {"-4", 0}, {"soon", 0},
		{"Wed, 21 Oct 2015 07:28:00 GMT", 0}, {"99999999999999", time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			require.Equal(t, tt.want, parseRetryAfter(http.Header{"Retry-After": {tt.header}}))
		})
	}
}

func TestRetryBackoffDrawsBelowADoublingCeiling(t *testing.T) {
	c := &Client{baseBackoff: 10 * time.Millisecond, maxBackoff: 100 * time.Millisecond}
	tests := []struct {
		retry   int
		ceiling time.Duration
	}{
		{1, 10 * time.Millisecond}, {2, 20 * time.Millisecond}, {3, 40 * time.Millisecond},
		{4, 80 * time.Millisecond}, {5, 100 * time.Millisecond}, {40, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.ceiling.String(), func(t *testing.T) {
			seen := map[time.Duration]bool{}
			for range 500 {
				d := c.backoff(tt.retry, 0)
				require.GreaterOrEqual(t, d, time.Duration(0))
				require.LessOrEqual(t, d, tt.ceiling)
				seen[d] = true
			}
			require.Greater(t, len(seen), 1, "full jitter draws different pauses")
		})
	}
}

func TestRetryBackoffHonoursRetryAfterUpToMaxBackoff(t *testing.T) {
	c := &Client{baseBackoff: 10 * time.Millisecond, maxBackoff: 100 * time.Millisecond}
	for range 200 {
		d := c.backoff(1, 50*time.Millisecond)
		require.GreaterOrEqual(t, d, 50*time.Millisecond)
		require.LessOrEqual(t, d, 100*time.Millisecond)
	}
	require.Equal(t, 100*time.Millisecond, c.backoff(1, time.Hour))
}

func TestRetryBackoffDoesNotOverflow(t *testing.T) {
	c := &Client{baseBackoff: time.Hour, maxBackoff: math.MaxInt64}
	for range 100 {
		require.GreaterOrEqual(t, c.backoff(200, 0), time.Duration(0))
	}
}
