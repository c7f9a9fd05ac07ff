package main

import (
	"bytes"
	"context"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
)

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

// TestRunServesUntilCanceled starts the all-in-one system on free ports,
// uses the nodes the banner names, and checks that canceling the context
// (as SIGINT does) stops it cleanly.
func TestRunServesUntilCanceled(t *testing.T) {
	cfg := config{host: "127.0.0.1", nodes: 3, partitions: 4, replicas: 3, logLevel: slog.LevelWarn}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, &out) }()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "Ctrl-C") },
		time.Minute, 10*time.Millisecond, "no banner; output so far: %s", out.String())

	banner := out.String()
	assert.Contains(t, banner, "3 nodes, 4 partitions of 3 replicas, data in memory")
	urls := regexp.MustCompile(`node n\d+ +(http://127\.0\.0\.1:\d+)`).FindAllStringSubmatch(banner, -1)
	require.Len(t, urls, 3, banner)
	client, err := kv.NewClient(kv.ClientConfig{Endpoints: []string{urls[0][1]}})
	require.NoError(t, err)
	defer client.Close()
	_, err = client.Put(ctx, "a", []byte("1"))
	require.NoError(t, err)
	reader, err := kv.NewClient(kv.ClientConfig{Endpoints: []string{urls[2][1]}})
	require.NoError(t, err)
	defer reader.Close()
	v, err := reader.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, "1", string(v.Data))

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(time.Minute):
		t.Fatal("run did not return after its context was canceled")
	}
}
