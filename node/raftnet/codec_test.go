package raftnet

import (
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

func sampleRequest() *raft.AppendEntriesRequest {
	return &raft.AppendEntriesRequest{
		RPCHeader:    raft.RPCHeader{ProtocolVersion: raft.ProtocolVersionMax, ID: []byte("n1"), Addr: []byte("127.0.0.1:1")},
		Term:         7,
		Leader:       []byte("127.0.0.1:1"),
		PrevLogEntry: 41, PrevLogTerm: 6,
		Entries: []*raft.Log{
			{Index: 42, Term: 7, Type: raft.LogCommand, Data: []byte("put a"), Extensions: []byte{1, 2}, AppendedAt: time.Unix(1700000000, 123)},
			{Index: 43, Term: 7, Type: raft.LogNoop},
		},
		LeaderCommitIndex: 40,
	}
}

// body strips a frame's header and kind, as readFrame does.
func body(t *testing.T, frame []byte, kind byte) []byte {
	t.Helper()
	require.Greater(t, len(frame), frameHeader)
	require.Equal(t, kind, frame[frameHeader])
	require.Equal(t, len(frame)-frameHeader, int(uint32(frame[0])|uint32(frame[1])<<8|uint32(frame[2])<<16|uint32(frame[3])<<24))
	return frame[frameHeader+1:]
}

func TestRequestRoundTrips(t *testing.T) {
	want := sampleRequest()
	group, call, got, err := decodeRequest(body(t, appendRequest(nil, 9, 77, want), kindRequest))
	require.NoError(t, err)
	require.Equal(t, uint64(9), group)
	require.Equal(t, uint64(77), call)
	require.True(t, want.Entries[0].AppendedAt.Equal(got.Entries[0].AppendedAt))
	for _, e := range append(want.Entries, got.Entries...) {
		e.AppendedAt = e.AppendedAt.UTC()
	}
	require.Equal(t, want, got)

	hb := &raft.AppendEntriesRequest{RPCHeader: raft.RPCHeader{Addr: []byte("x")}, Term: 1}
	_, _, got, err = decodeRequest(body(t, appendRequest(nil, 1, 1, hb), kindRequest))
	require.NoError(t, err)
	require.Equal(t, hb, got)
	require.True(t, isHeartbeat(got))
}

func TestAnswerAndFailureRoundTrip(t *testing.T) {
	for _, want := range []*raft.AppendEntriesResponse{
		{RPCHeader: raft.RPCHeader{ProtocolVersion: 3, ID: []byte("n2"), Addr: []byte("a")}, Term: 7, LastLog: 43, Success: true},
		{Term: 8, LastLog: 1, NoRetryBackoff: true},
	} {
		call, got, err := decodeAnswer(body(t, appendAnswer(nil, 5, want), kindAnswer))
		require.NoError(t, err)
		require.Equal(t, uint64(5), call)
		require.Equal(t, want, got)
	}
	call, msg, err := decodeFailure(body(t, appendFailure(nil, 6, raft.ErrTransportShutdown), kindFailure))
	require.NoError(t, err)
	require.Equal(t, uint64(6), call)
	require.Equal(t, raft.ErrTransportShutdown.Error(), msg)
}

func TestDecodeRefusesMalformedFrames(t *testing.T) {
	req := body(t, appendRequest(nil, 9, 77, sampleRequest()), kindRequest)
	ans := body(t, appendAnswer(nil, 5, &raft.AppendEntriesResponse{Term: 1}), kindAnswer)
	for name, b := range map[string][]byte{
		"request cut short":        req[:len(req)-1],
		"request with extra bytes": append(req[:len(req):len(req)], 0),
		"request claiming entries": {1, 1, 0, 0, 0, 1, 0, 0, 0, 200, 1},
		"empty request":            nil,
	} {
		t.Run(name, func(t *testing.T) {
			_, _, _, err := decodeRequest(b)
			require.ErrorIs(t, err, errMalformed)
		})
	}
	for name, b := range map[string][]byte{
		"answer cut short":        ans[:len(ans)-1],
		"answer with extra bytes": append(ans[:len(ans):len(ans)], 0),
		"answer with bad flags":   append(ans[:len(ans)-1:len(ans)-1], 4),
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := decodeAnswer(b)
			require.ErrorIs(t, err, errMalformed)
		})
	}
}

// FuzzDecodeRequest checks that decoding never panics, and that a request
// that decodes encodes back to one that decodes the same.
func FuzzDecodeRequest(f *testing.F) {
	f.Add(appendRequest(nil, 9, 77, sampleRequest())[frameHeader+1:])
	f.Add([]byte{1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		group, call, req, err := decodeRequest(b)
		if err != nil {
			return
		}
		g2, c2, again, err := decodeRequest(appendRequest(nil, group, call, req)[frameHeader+1:])
		require.NoError(t, err)
		require.Equal(t, []uint64{group, call}, []uint64{g2, c2})
		require.Equal(t, len(req.Entries), len(again.Entries))
		for i := range req.Entries {
			require.Equal(t, req.Entries[i].Index, again.Entries[i].Index)
			require.Equal(t, req.Entries[i].Data, again.Entries[i].Data)
		}
	})
}

// FuzzDecodeAnswer checks that decoding an answer or a failure never panics.
func FuzzDecodeAnswer(f *testing.F) {
	f.Add(appendAnswer(nil, 5, &raft.AppendEntriesResponse{Term: 1, Success: true})[frameHeader+1:])
	f.Fuzz(func(t *testing.T, b []byte) {
		if call, resp, err := decodeAnswer(b); err == nil {
			_, again, err := decodeAnswer(appendAnswer(nil, call, resp)[frameHeader+1:])
			require.NoError(t, err)
			require.Equal(t, resp, again)
		}
		_, _, _ = decodeFailure(b)
	})
}
