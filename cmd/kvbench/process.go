package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Bounds of stopping a server process.
const (
	stopTimeout = 15 * time.Second // for SIGTERM before SIGKILL
	logTail     = 20               // lines of a failed process's log shown
)

// process is one server process that kvbench started. Its output goes to
// a log file.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{} // closed once the process has exited
	err     error         // its exit error, set before done is closed
}

// startProcess runs bin with args, its output appended to logPath. The
// process gets a process group of its own, so a Ctrl-C in the terminal
// reaches kvbench alone, which then stops it; on Linux it is also killed
// if kvbench dies.
func startProcess(name, bin string, args []string, logPath string) (*process, error) {
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		log.Close()
		close(p.done)
	}()
	return p, nil
}

// pid returns the process's ID.
func (p *process) pid() int { return p.cmd.Process.Pid }

// exited reports whether the process has exited.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop asks the process to exit with SIGTERM, kills it if it has not after
// stopTimeout, and waits until it has exited.
func (p *process) stop() error {
	if p.exited() {
		return nil
	}
	err := p.cmd.Process.Signal(syscall.SIGTERM)
	if err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stop %s: %w", p.name, err)
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(stopTimeout):
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	return fmt.Errorf("stop %s: killed after %s without exiting", p.name, stopTimeout)
}

// describeExit says how the process ended, with the end of its log.
func (p *process) describeExit() string {
	data, _ := os.ReadFile(p.logPath)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	tail := strings.Join(lines[max(0, len(lines)-logTail):], "\n")
	return fmt.Sprintf("%s exited (%v); end of %s:\n%s", p.name, p.err, p.logPath, tail)
}
