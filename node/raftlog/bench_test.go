package raftlog

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
)

const (
	benchGroups  = 8
	benchWriters = 8 // per group
)

// BenchmarkGroupCommit measures single-entry appends (256-byte data) from 8
// groups with 8 writers each, every append durable before it returns: one
// shared log against one raft-boltdb store per group. Writers of a group
// take turns, as Raft's leader loop stores one batch at a time per group;
// each iteration is one append, handed to whichever writer is free.
func BenchmarkGroupCommit(b *testing.B) {
	for _, syncs := range []int{1, 4} {
		b.Run(fmt.Sprintf("shared/syncs=%d", syncs), func(b *testing.B) {
			benchmarkShared(b, Options{ConcurrentSyncs: syncs})
		})
	}
	b.Run("boltdb-per-group", benchmarkBoltPerGroup)
}

func benchmarkShared(b *testing.B, opts Options) {
	l, err := Open(b.TempDir(), opts)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	stores := make([]raft.LogStore, benchGroups)
	for g := range stores {
		stores[g] = mustGroup(b, l, uint64(g+1))
	}
	benchmarkAppends(b, stores)
	b.ReportMetric(float64(l.Stats().Writes)/float64(l.Stats().Syncs), "appends/fsync")
}

func benchmarkBoltPerGroup(b *testing.B) {
	stores := make([]raft.LogStore, benchGroups)
	for g := range stores {
		bolt, err := raftboltdb.New(raftboltdb.Options{Path: filepath.Join(b.TempDir(), fmt.Sprint(g))})
		if err != nil {
			b.Fatal(err)
		}
		defer bolt.Close()
		stores[g] = bolt
	}
	benchmarkAppends(b, stores)
}

// benchLeader appends to one store one entry at a time.
type benchLeader struct {
	mu    sync.Mutex
	store raft.LogStore
	next  uint64
	data  []byte
}

func (bl *benchLeader) append() error {
	bl.mu.Lock()
	defer bl.mu.Unlock()
	bl.next++
	return bl.store.StoreLog(&raft.Log{Index: bl.next, Term: 1, Data: bl.data, AppendedAt: time.Now()})
}

func benchmarkAppends(b *testing.B, stores []raft.LogStore) {
	work := make(chan struct{})
	var wg sync.WaitGroup
	for _, s := range stores {
		leader := &benchLeader{store: s, data: make([]byte, 256)}
		for range benchWriters {
			wg.Go(func() {
				for range work {
					if err := leader.append(); err != nil {
						b.Error(err)
					}
				}
			})
		}
	}
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		work <- struct{}{}
	}
	close(work)
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "appends/s")
}
