package main

import (
	"context"
	"errors"
	"time"
)

// cpuMeter measures the CPU time used by the target's server processes and
// by this process, the load generator.
type cpuMeter struct {
	pids []int // the servers' processes; none: server time is not measured
}

// cpuUsage is CPU time (user and system) used so far.
type cpuUsage struct {
	server time.Duration // by every process of the meter
	client time.Duration // by this process
}

// sample returns the CPU time used so far.
func (m cpuMeter) sample() (cpuUsage, error) {
	var u cpuUsage
	var errs []error
	for _, pid := range m.pids {
		d, err := processCPU(pid)
		errs = append(errs, err)
		u.server += d
	}
	d, err := selfCPU()
	u.client = d
	return u, errors.Join(append(errs, err)...)
}

// window waits until from, samples, waits until until, samples again, and
// returns what was used between the two samples. It returns ctx's error if
// ctx ends first.
func (m cpuMeter) window(ctx context.Context, from, until time.Time) (cpuUsage, error) {
	if err := sleepUntil(ctx, from); err != nil {
		return cpuUsage{}, err
	}
	before, err1 := m.sample()
	if err := sleepUntil(ctx, until); err != nil {
		return cpuUsage{}, err
	}
	after, err2 := m.sample()
	used := cpuUsage{server: after.server - before.server, client: after.client - before.client}
	return used, errors.Join(err1, err2)
}

// sleepUntil waits until t or until ctx ends, and then returns ctx's error.
func sleepUntil(ctx context.Context, t time.Time) error {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
