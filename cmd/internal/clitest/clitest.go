// Package clitest runs a command's run function inside a test, the way
// main runs it, and reads what it prints.
package clitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Timeouts of a run under test, generous for the race detector on two cores.
const (
	// StartTimeout bounds how long run may take to print its banner.
	StartTimeout = time.Minute
	// StopTimeout bounds how long run may take to return once canceled.
	StopTimeout = time.Minute
)

// bannerEnd is the last line of every command's banner.
const bannerEnd = "Press Ctrl-C to stop."

// Running is a run function started by Start.
type Running struct {
	// Banner is what run printed up to and including its banner.
	Banner string
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

// Start calls run in a goroutine with a context of its own, waits until it
// prints "Press Ctrl-C to stop." and returns. When t ends, Stop runs.
func Start(t *testing.T, run func(ctx context.Context, out io.Writer) error) *Running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &Running{cancel: cancel, done: make(chan error, 1)}
	out := &syncBuffer{}
	go func() { r.done <- run(ctx, out) }()
	t.Cleanup(func() { r.Stop(t) })
	require.Eventually(t, func() bool { return strings.Contains(out.String(), bannerEnd) || len(r.done) > 0 },
		StartTimeout, 10*time.Millisecond, "no banner; output so far: %s", out.String())
	require.Contains(t, out.String(), bannerEnd, "run returned before printing its banner")
	r.Banner = out.String()
	return r
}

// Stop cancels run's context, as SIGINT does, and requires run to return
// nil within StopTimeout. Calls after the first do nothing.
func (r *Running) Stop(t *testing.T) {
	t.Helper()
	r.once.Do(func() {
		r.cancel()
		select {
		case err := <-r.done:
			require.NoError(t, err, "run failed")
		case <-time.After(StopTimeout):
			t.Fatal("run did not return after its context was canceled")
		}
	})
}

// Get gets url and returns the answer with its whole body. It keeps no
// connection open afterwards.
func Get(t require.TestingT, url string) (*http.Response, []byte) {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

// GetJSON gets url and decodes its 200 answer into a V.
func GetJSON[V any](t require.TestingT, url string) V {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	resp, body := Get(t, url)
	require.Equal(t, http.StatusOK, resp.StatusCode, "GET %s: %s", url, body)
	var v V
	require.NoError(t, json.Unmarshal(body, &v), "GET %s: %s", url, body)
	return v
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
