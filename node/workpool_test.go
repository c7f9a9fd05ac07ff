package node

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The pool runs every function, concurrently when they block, and reuses
// an idle worker rather than starting another.
func TestWorkPoolRunsEveryFunctionAndReusesWorkers(t *testing.T) {
	p := newWorkPool(time.Minute)
	defer p.close()
	release := make(chan struct{})
	var started, done sync.WaitGroup
	started.Add(3)
	done.Add(3)
	for range 3 { // three at once: each blocks until released, so each needs a worker
		p.run(func() {
			started.Done()
			<-release
			done.Done()
		})
	}
	started.Wait()
	close(release)
	done.Wait()

	var ran atomic.Int32
	require.Eventually(t, func() bool {
		// a worker is idle again once its function returned: the pool hands it work
		select {
		case p.tasks <- func() { ran.Add(1) }:
			return true
		default:
			return false
		}
	}, 10*time.Second, time.Millisecond, "an idle worker takes the next function")
	require.Eventually(t, func() bool { return ran.Load() == 1 }, 10*time.Second, time.Millisecond)
}

// A worker idle past the timeout ends, and so do idle workers when the pool
// closes: a function run after that starts a new worker.
func TestWorkPoolWorkersEnd(t *testing.T) {
	for name, end := range map[string]func(p *workPool){
		"idle timeout": func(*workPool) {},
		"close":        func(p *workPool) { p.close() },
	} {
		t.Run(name, func(t *testing.T) {
			timeout := time.Hour
			if name == "idle timeout" {
				timeout = time.Millisecond
			}
			p := newWorkPool(timeout)
			ran := make(chan struct{})
			p.run(func() { close(ran) })
			<-ran
			end(p)
			require.Eventually(t, func() bool {
				select {
				case p.tasks <- func() {}:
					return false // a worker still waits
				default:
					return true
				}
			}, 10*time.Second, time.Millisecond, "no worker waits for work")
			again := make(chan struct{})
			p.run(func() { close(again) })
			select {
			case <-again:
			case <-time.After(10 * time.Second):
				assert.Fail(t, "run after the workers ended did not run")
			}
		})
	}
}
