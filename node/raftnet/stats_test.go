package raftnet

import (
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

// TestStatsCountAppendsFailuresAndDials checks that a Net counts every
// AppendEntries it sends, the ones that fail (refused by the peer or with
// no connection), and the connections it dials.
func TestStatsCountAppendsFailuresAndDials(t *testing.T) {
	a, b := newTestNode(t, 5*time.Second), newTestNode(t, 5*time.Second)
	ta := a.transport(t, 7)
	var resp raft.AppendEntriesResponse
	require.Error(t, ta.AppendEntries("n2", b.addr(), sampleRequest(), &resp), "b hosts no group 7 yet")
	require.Equal(t, Stats{Appends: 1, AppendFailures: 1, Dials: 1}, a.net.Stats())

	answerWith(t, b.transport(t, 7), &raft.AppendEntriesResponse{Success: true})
	for range 2 {
		require.NoError(t, ta.AppendEntries("n2", b.addr(), sampleRequest(), &resp))
	}
	require.Equal(t, Stats{Appends: 3, AppendFailures: 1, Dials: 1}, a.net.Stats(), "one connection serves them all")

	b.mux.SetIsolated(true)
	require.Error(t, ta.AppendEntries("n2", b.addr(), sampleRequest(), &resp))
	got := a.net.Stats()
	require.Equal(t, uint64(4), got.Appends)
	require.Equal(t, uint64(2), got.AppendFailures)
	require.Equal(t, Stats{}, b.net.Stats(), "b only answered")
}
