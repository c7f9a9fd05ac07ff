package node

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// rateClock is a clock a test moves by hand.
type rateClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *rateClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *rateClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// rateBurst is n events at ms milliseconds after the start.
type rateBurst struct{ ms, n int }

// rateAt returns the instant ms milliseconds after the meters under test
// start, which is the start of a second.
func rateAt(ms int) time.Time {
	return time.Unix(1_700_000_000, 0).Add(time.Duration(ms) * time.Millisecond)
}

func TestRateMeter(t *testing.T) {
	cases := []struct {
		name   string
		events []rateBurst
		askMs  int
		want   float64
	}{
		{"no events", nil, 5000, 0},
		{"no whole second yet", []rateBurst{{0, 7}}, 999, 0},
		{"the second still filling is left out", []rateBurst{{3100, 9}}, 3900, 0},
		{"a young meter averages over its life", []rateBurst{{0, 6}, {1500, 4}}, 2000, 5},
		{"a filled second counts once complete", []rateBurst{{3100, 9}}, 4000, 9.0 / 4},
		{"steady load", steadyBursts(20, 30), 30_000, 20},
		{"the window is the last ten seconds", []rateBurst{{0, 100}}, 10_000, 10},
		{"seconds older than the window drop out", []rateBurst{{0, 100}}, 11_000, 0},
		{"a reused bucket forgets its old second", []rateBurst{{0, 5}, {11_200, 3}}, 12_000, 0.3},
		{"the rate falls as bursts age out", []rateBurst{{0, 10}, {5000, 10}}, 12_000, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := &rateClock{now: rateAt(0)}
			m := newRateMeter(clock.Now)
			for _, b := range c.events {
				clock.set(rateAt(b.ms))
				for range b.n {
					m.add()
				}
			}
			clock.set(rateAt(c.askMs))
			require.InDelta(t, c.want, m.rate(), 1e-9)
		})
	}
}

// steadyBursts returns perSec events in each of the first secs seconds.
func steadyBursts(perSec, secs int) []rateBurst {
	out := make([]rateBurst, secs)
	for i := range out {
		out[i] = rateBurst{i*1000 + 500, perSec}
	}
	return out
}

func TestRateMeterConcurrentAdds(t *testing.T) {
	clock := &rateClock{now: rateAt(0)}
	m := newRateMeter(clock.Now)
	const workers, each = 8, 1000
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				m.add()
				_ = m.rate()
			}
		})
	}
	wg.Wait()
	clock.set(rateAt(1000))
	require.InDelta(t, float64(workers*each), m.rate(), 1e-9, "no event is lost to a race")
}

func TestInstrumentCountsRequests(t *testing.T) {
	clock := &rateClock{now: rateAt(0)}
	m := newMetrics(&Node{})
	m.rate = newRateMeter(clock.Now)
	h := m.instrument("kv", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
	}))
	for range 6 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/v1/kv/a", nil))
	}
	clock.set(rateAt(2000))
	require.InDelta(t, 3.0, m.rate.rate(), 1e-9, "every request counts, whatever its answer")
}
