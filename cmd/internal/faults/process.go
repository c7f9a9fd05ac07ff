//go:build unix

package faults

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ProcessConfig configures a Process.
type ProcessConfig struct {
	// Name names the process in logs and its log file; required.
	Name string
	// Binary is the program to run, such as BuildNode returns; required.
	Binary string
	// Args are its arguments, the same on every restart.
	Args []string
	// LogPath receives the process's stdout and stderr, appended across
	// restarts. Default: NAME.log in a temporary directory of the test.
	LogPath string
}

// Process runs a binary for a test and injects process faults into it:
// SIGKILL, SIGSTOP, SIGCONT, SIGTERM and restarts. The test's cleanup
// kills whatever still runs. Its methods are safe for concurrent use, but
// a test drives one process from one goroutine.
type Process struct {
	cfg ProcessConfig
	mu  sync.Mutex
	run *run // the current run
}

// run is one execution of the binary.
type run struct {
	proc *os.Process
	done chan struct{} // closed when the run has exited
	err  error         // the exit error, set before done is closed
}

// StartProcess starts cfg.Binary and registers a cleanup with tb that
// kills it (whichever run is current) when the test ends. If the test
// failed, the cleanup logs how the run ended and the last lines of its log.
func StartProcess(tb testing.TB, cfg ProcessConfig) (*Process, error) {
	tb.Helper()
	if cfg.Name == "" || cfg.Binary == "" {
		return nil, errors.New("process: Name and Binary are required")
	}
	if cfg.LogPath == "" {
		cfg.LogPath = filepath.Join(tb.TempDir(), cfg.Name+".log")
	}
	p := &Process{cfg: cfg}
	if err := p.start(); err != nil {
		return nil, err
	}
	tb.Cleanup(func() {
		r := p.current()
		exitedEarly := r.exited()
		_ = p.Kill()
		if tb.Failed() {
			p.report(tb, r, exitedEarly)
		}
	})
	return p, nil
}

// LogPath returns the file that receives its output.
func (p *Process) LogPath() string { return p.cfg.LogPath }

// start runs the binary once more; the previous run must have exited.
func (p *Process) start() error {
	log, err := os.OpenFile(p.cfg.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("process %s: %w", p.cfg.Name, err)
	}
	cmd := exec.Command(p.cfg.Binary, p.cfg.Args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		return fmt.Errorf("process %s: %w", p.cfg.Name, err)
	}
	r := &run{proc: cmd.Process, done: make(chan struct{})}
	p.mu.Lock()
	p.run = r
	p.mu.Unlock()
	go func() {
		r.err = cmd.Wait()
		log.Close()
		close(r.done)
	}()
	return nil
}

func (p *Process) current() *run {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.run
}

// exited reports whether the run has exited.
func (r *run) exited() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// signal sends sig to the current run; a run that has exited already is
// not an error.
func (p *Process) signal(sig os.Signal) error {
	err := p.current().proc.Signal(sig)
	if err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("process %s: %s: %w", p.cfg.Name, sig, err)
	}
	return nil
}

// Kill sends SIGKILL, paused or not, and waits for the run to exit. It
// returns nil if the run had exited already.
func (p *Process) Kill() error {
	if err := p.signal(syscall.SIGKILL); err != nil {
		return err
	}
	<-p.current().done
	return nil
}

// pauseTimeout bounds the wait for a paused process to stop.
const pauseTimeout = 5 * time.Second

// Pause sends SIGSTOP and, on Linux, waits until every thread of the
// process has stopped, so that no request is answered once Pause returns.
// The process's sockets stay open: peers and clients see it hang, as with
// a long GC pause or a stalled VM.
func (p *Process) Pause() error {
	if err := p.signal(syscall.SIGSTOP); err != nil {
		return err
	}
	r := p.current()
	if r.exited() {
		return nil
	}
	if err := waitStopped(r.proc.Pid, pauseTimeout); err != nil && !r.exited() {
		return fmt.Errorf("process %s: pause: %w", p.cfg.Name, err)
	}
	return nil
}

// Resume sends SIGCONT to a paused process.
func (p *Process) Resume() error { return p.signal(syscall.SIGCONT) }

// Stop asks the process to shut down gracefully with SIGTERM (resuming it
// if paused) and waits for it to exit, returning its exit error (nil for
// status 0). If ctx ends first, it kills it and returns ctx's error.
func (p *Process) Stop(ctx context.Context) error {
	if err := p.signal(syscall.SIGTERM); err != nil {
		return err
	}
	if err := p.Resume(); err != nil {
		return err
	}
	r := p.current()
	select {
	case <-r.done:
		return r.err
	case <-ctx.Done():
		return errors.Join(ctx.Err(), p.Kill())
	}
}

// Wait waits for the current run to exit and returns its exit error (nil
// for status 0), or ctx's error if ctx ends first.
func (p *Process) Wait(ctx context.Context) error {
	r := p.current()
	select {
	case <-r.done:
		return r.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Restart kills the current run if it has not exited and starts the
// binary again with the same arguments, appending to the same log.
func (p *Process) Restart() error {
	if !p.current().exited() {
		if err := p.Kill(); err != nil {
			return err
		}
	}
	return p.start()
}
