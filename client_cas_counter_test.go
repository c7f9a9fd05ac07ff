package kv_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"golang.org/x/sync/errgroup"
)

// casCounter is a counter key incremented by compare-and-swap loops. Each
// value is "count writer seq", so that the writer of a value is known.
type casCounter struct {
	client    *kv.Client
	key       string
	succeeded atomic.Int64 // increments whose CAS returned success, or was resolved as applied
	unknown   atomic.Int64 // indeterminate increments that could not be resolved
}

func parseCount(t testing.TB, v kv.Value) int {
	n, err := strconv.Atoi(strings.Fields(string(v.Data))[0])
	require.NoError(t, err)
	return n
}

// increment adds one to the counter: read, compare-and-swap, and again on a
// conflict, until one CAS applies.
func (cc *casCounter) increment(ctx context.Context, t testing.TB, writer, seq int) error {
	for {
		cur, err := cc.client.Get(ctx, cc.key)
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		tag := fmt.Sprintf(" %d %d", writer, seq)
		next := strconv.Itoa(parseCount(t, cur)+1) + tag
		_, err = cc.client.CompareAndSwap(ctx, cc.key, []byte(next), cur.Revision)
		switch {
		case err == nil:
			cc.succeeded.Add(1)
			return nil
		case errors.Is(err, kv.ErrIndeterminate):
			if applied, err := cc.resolve(ctx, cur.Revision, tag); err != nil || applied {
				return err
			}
		case !errors.Is(err, kv.ErrConflict):
			return fmt.Errorf("compare-and-swap: %w", err)
		}
	}
}

// resolve learns whether an indeterminate CAS from revision from, writing a
// value tagged tag, applied: it did if the counter holds its value, it did
// not if the counter still is at from; otherwise it is counted as unknown.
func (cc *casCounter) resolve(ctx context.Context, from uint64, tag string) (applied bool, err error) {
	cur, err := cc.client.Get(ctx, cc.key)
	switch {
	case err != nil:
		return false, err
	case strings.HasSuffix(string(cur.Data), tag):
		cc.succeeded.Add(1)
		return true, nil
	case cur.Revision == from:
		return false, nil
	}
	cc.unknown.Add(1)
	return true, nil
}

// Eight goroutines increment one counter by compare-and-swap while a node
// is stopped and restarted; the counter ends at exactly the number of
// increments that succeeded.
func TestClientCASCounterUnderContentionWithANodeStopped(t *testing.T) {
	const writers, perWriter = 8, 8
	c := startCluster(t, kv.ClusterConfig{DataDir: t.TempDir(), Partitions: 2})
	cc := &casCounter{client: newPatientClient(t, c.Endpoints()), key: "cas/counter"}
	ctx := testContext(t, 2*time.Minute)
	_, err := cc.client.Put(ctx, cc.key, []byte("0 init"))
	require.NoError(t, err)

	var g errgroup.Group
	for w := range writers {
		g.Go(func() error {
			for seq := range perWriter {
				if err := cc.increment(ctx, t, w, seq); err != nil {
					return fmt.Errorf("writer %d, increment %d: %w", w, seq, err)
				}
			}
			return nil
		})
	}
	victim := followerOf(c, leaderOf(t, c, cc.key))
	waitFor(t, "a third of the increments", func() (bool, string) {
		return cc.succeeded.Load() >= writers*perWriter/3, fmt.Sprint(cc.succeeded.Load())
	})
	require.NoError(t, c.StopNode(victim))
	waitFor(t, "two thirds of the increments", func() (bool, string) {
		return cc.succeeded.Load() >= 2*writers*perWriter/3, fmt.Sprint(cc.succeeded.Load())
	})
	require.NoError(t, c.RestartNode(victim))
	require.NoError(t, g.Wait())

	final, err := cc.client.Get(ctx, cc.key)
	require.NoError(t, err)
	require.Zero(t, cc.unknown.Load(), "every indeterminate increment was resolved")
	require.Equal(t, writers*perWriter, int(cc.succeeded.Load()))
	require.Equal(t, int(cc.succeeded.Load()), parseCount(t, final))
}
