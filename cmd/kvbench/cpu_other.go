//go:build !linux

package main

import (
	"errors"
	"time"
)

// errNoCPU says that this system offers no CPU accounting to kvbench.
var errNoCPU = errors.New("CPU accounting needs Linux")

// processCPU is not available on this system.
func processCPU(int) (time.Duration, error) { return 0, errNoCPU }

// selfCPU is not available on this system.
func selfCPU() (time.Duration, error) { return 0, errNoCPU }
