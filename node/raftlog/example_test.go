package raftlog_test

import (
	"fmt"
	"log"
	"os"

	"github.com/hashicorp/raft"
	"github.com/treekv/kv/node/raftlog"
)

// Open one log per data directory, then give each Raft group its store,
// used as both its raft.LogStore and its raft.StableStore.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "raftlog")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	l, err := raftlog.Open(dir, raftlog.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	store, err := l.Group(7) // the partition's ID
	if err != nil {
		log.Fatal(err)
	}

	// Both calls return once fsynced, sharing an fsync with whatever the
	// node's other groups wrote at the same time.
	if err := store.StoreLogs([]*raft.Log{{Index: 1, Term: 1, Data: []byte("put a=1")}}); err != nil {
		log.Fatal(err)
	}
	if err := store.SetUint64([]byte("CurrentTerm"), 1); err != nil {
		log.Fatal(err)
	}

	var entry raft.Log
	if err := store.GetLog(1, &entry); err != nil {
		log.Fatal(err)
	}
	term, _ := store.GetUint64([]byte("CurrentTerm"))
	fmt.Printf("%s in term %d\n", entry.Data, term)
	// Output: put a=1 in term 1
}
