package jepsen_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/jepsen"
)

// The scenarios the teeth tests run: each exposes one bug that a broken
// build variant carries. A correct build passes them; a broken one must
// make its checker fail.

// staleReadScenario writes a key, cuts off a follower of its partition once
// the follower holds the value, writes the key five times more through the
// majority, then reads it through a client that talks to the cut-off
// follower alone. It returns the history and the read's error.
func staleReadScenario(t *testing.T, c *kv.LocalCluster) ([]jepsen.Op, error) {
	const key = "teeth/stale"
	p, err := c.Map().Locate(key)
	require.NoError(t, err)
	leader, err := waitLeader(c, p.ID)
	require.NoError(t, err)
	follower := (leader + 1) % c.Size()
	endpoints := c.Endpoints()
	majority := append(append([]string{}, endpoints[:follower]...), endpoints[follower+1:]...)
	writer := pinnedClient(t, majority...)
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	h := jepsen.NewHistory()
	recordPut(ctx, t, h, writer, key, "v0")
	require.NoError(t, poll("the follower to apply v0", func() bool {
		rep, ok := c.Node(follower).Replica(p.ID)
		e, found := rep.FSM().Get(key)
		return ok && found && string(e.Value) == "v0"
	}))
	c.Isolate(follower)
	defer c.Heal(follower)
	for i := 1; i <= 5; i++ {
		recordPut(ctx, t, h, writer, key, fmt.Sprintf("v%d", i))
	}
	reader := pinnedClient(t, endpoints[follower])
	op := jepsen.Op{Client: 1, Kind: jepsen.KindGet, Key: key}
	call := h.Now()
	v, err := reader.Get(ctx, key)
	if err == nil {
		op.Found, op.Output = true, string(v.Data)
		h.Complete(op, call)
	}
	return h.Ops(), err
}

// pinnedClient returns a client of endpoints alone that tries once.
func pinnedClient(t *testing.T, endpoints ...string) *kv.Client {
	client, err := kv.NewClient(kv.ClientConfig{Endpoints: endpoints, MaxAttempts: 1})
	require.NoError(t, err)
	t.Cleanup(func() { client.Close() })
	return client
}

// recordPut puts value at key as client 0 and records it; it must succeed.
func recordPut(ctx context.Context, t *testing.T, h *jepsen.History, client *kv.Client, key, value string) {
	op := jepsen.Op{Client: 0, Kind: jepsen.KindPut, Key: key, Value: value}
	call := h.Now()
	_, err := client.Put(ctx, key, []byte(value))
	require.NoError(t, err)
	h.Complete(op, call)
}

// duplicateScenario inserts keys under prefix, each by one PUT sent twice
// with the same Idempotency-Key (a retry), and returns CheckSet's report on
// the keys then present.
func duplicateScenario(t *testing.T, c *kv.LocalCluster, prefix string, keys int) jepsen.SetReport {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	var acked []string
	for i := range keys {
		key := fmt.Sprintf("%s%03d", prefix, i)
		for range 2 {
			putOnce(ctx, t, c.Endpoints()[i%c.Size()], key, "idem-"+key)
		}
		acked = append(acked, key)
	}
	client, err := c.NewClient()
	require.NoError(t, err)
	defer client.Close()
	final, err := jepsen.ReadSet(ctx, client, prefix)
	require.NoError(t, err)
	return jepsen.CheckSet(acked, nil, final)
}

// putOnce sends a PUT of key to endpoint with the Idempotency-Key idem; it
// must be answered 200. A 503 (unavailable: not applied, as when the node
// has not yet heard from a leader again after a fault) is sent again.
func putOnce(ctx context.Context, t *testing.T, endpoint, key, idem string) {
	var status int
	require.NoError(t, pollUntil(ctx, func() bool {
		status = putStatus(ctx, t, endpoint, key, idem)
		return status != http.StatusServiceUnavailable
	}))
	require.Equal(t, http.StatusOK, status)
}

func putStatus(ctx context.Context, t *testing.T, endpoint, key, idem string) int {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, endpoint+"/v1/kv/"+url.PathEscape(key), bytes.NewReader([]byte(key)))
	require.NoError(t, err)
	req.Header.Set("Idempotency-Key", idem)
	resp, err := (&http.Client{}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	return resp.StatusCode
}

// jepsenCheck checks ops for linearizability, saving any evidence in dir.
func jepsenCheck(ops []jepsen.Op, dir string) (jepsen.Result, error) {
	return jepsen.CheckLinearizable(ops, checkTimeout, dir)
}
