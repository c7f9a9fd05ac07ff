package node

import "time"

// workPool runs functions on long-lived goroutines: a goroutine's stack
// grows to what the functions it runs need and stays grown, where a new
// goroutine per function would grow its stack again each time. A function
// goes to an idle worker, or to a new one when none is idle; a worker idle
// for idleTimeout, or once the pool stops, ends.
type workPool struct {
	tasks       chan func()
	stop        chan struct{}
	idleTimeout time.Duration
}

// workerIdleTimeout is how long a worker of the node's pool waits for work
// before it ends.
const workerIdleTimeout = 10 * time.Second

func newWorkPool(idleTimeout time.Duration) *workPool {
	return &workPool{tasks: make(chan func()), stop: make(chan struct{}), idleTimeout: idleTimeout}
}

// run runs f on a worker.
func (p *workPool) run(f func()) {
	select {
	case p.tasks <- f:
	default:
		go p.work(f)
	}
}

// work runs f, then whatever the pool hands it, until it idles out or the
// pool stops.
func (p *workPool) work(f func()) {
	f()
	idle := time.NewTimer(p.idleTimeout)
	defer idle.Stop()
	for {
		select {
		case f := <-p.tasks:
			f()
			idle.Reset(p.idleTimeout)
		case <-idle.C:
			return
		case <-p.stop:
			return
		}
	}
}

// close ends the idle workers; a worker busy ends once its function returns.
func (p *workPool) close() { close(p.stop) }
