package node

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

// scriptedVerifier is a verifier whose rounds each wait for the test to
// hand them an answer on results, and count themselves in rounds. The test
// closes it.
type scriptedVerifier struct {
	*leaderVerifier
	results chan error
	rounds  atomic.Int32
}

func newScriptedVerifier() *scriptedVerifier {
	s := &scriptedVerifier{results: make(chan error)}
	s.leaderVerifier = startVerifier(func() error {
		s.rounds.Add(1)
		return <-s.results
	})
	return s
}

// readers starts n readers and returns where their answers arrive.
func (s *scriptedVerifier) readers(n int, wg *sync.WaitGroup) chan error {
	answers := make(chan error, n)
	for range n {
		wg.Go(func() { answers <- s.verify(context.Background()) })
	}
	return answers
}

func TestLeaderVerifierKickWithoutReadersRunsNoRound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScriptedVerifier()
		defer s.close()
		s.kick <- struct{}{}
		synctest.Wait()
		require.Zero(t, s.rounds.Load())
	})
}

func TestLeaderVerifierReadersShareTheNextRound(t *testing.T) {
	cases := map[string]error{"leader confirmed": nil, "leadership lost": raft.ErrNotLeader}
	for name, answer := range cases {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newScriptedVerifier()
				defer s.close()
				var wg sync.WaitGroup
				first := s.readers(1, &wg)
				synctest.Wait() // the first round runs, for the first reader only
				later := s.readers(3, &wg)
				synctest.Wait() // the others wait for the next round
				s.results <- nil
				require.NoError(t, <-first)
				s.results <- answer
				for range 3 {
					require.ErrorIs(t, <-later, answer)
				}
				wg.Wait()
				require.Equal(t, int32(2), s.rounds.Load(), "four readers, two rounds")
			})
		})
	}
}

func TestLeaderVerifierCloseFailsReaders(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScriptedVerifier()
		s.close()
		require.ErrorIs(t, s.verify(context.Background()), raft.ErrRaftShutdown)
	})
}
