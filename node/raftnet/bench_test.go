package raftnet

import (
	"bytes"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

// benchRequest is an AppendEntries of eight 300-byte entries, about what a
// leader sends a follower per round under load.
func benchRequest() *raft.AppendEntriesRequest {
	req := sampleRequest()
	req.Entries = nil
	for i := range 8 {
		req.Entries = append(req.Entries, &raft.Log{Index: uint64(100 + i), Term: 7, Type: raft.LogCommand,
			Data: bytes.Repeat([]byte{'v'}, 300), AppendedAt: time.Unix(1700000000, int64(i))})
	}
	return req
}

func BenchmarkAppendEntriesCodec(b *testing.B) {
	req := benchRequest()
	b.ReportAllocs()
	for b.Loop() {
		frame := appendRequest(nil, 3, 9, req)
		if _, _, _, err := decodeRequest(frame[frameHeader+1:]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendEntriesRoundTrip sends AppendEntries between two Nets over
// loopback TCP and answers them at once: the transport's cost per RPC.
func BenchmarkAppendEntriesRoundTrip(b *testing.B) {
	a, c := newTestNode(b, 5*time.Second), newTestNode(b, 5*time.Second)
	ta, tc := a.transport(b, 7), c.transport(b, 7)
	done := make(chan struct{})
	b.Cleanup(func() { close(done) })
	go func() {
		for {
			select {
			case rpc := <-tc.Consumer():
				rpc.Respond(&raft.AppendEntriesResponse{Success: true}, nil)
			case <-done:
				return
			}
		}
	}()
	req := benchRequest()
	b.ReportAllocs()
	for b.Loop() {
		var resp raft.AppendEntriesResponse
		if err := ta.AppendEntries("c", c.addr(), req, &resp); err != nil {
			b.Fatal(err)
		}
	}
}
