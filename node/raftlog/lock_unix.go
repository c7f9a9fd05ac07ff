//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package raftlog

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// lockDir takes an exclusive advisory lock on dir's LOCK file, held until
// the returned closer is closed (or the process exits).
func lockDir(dir string) (io.Closer, error) {
	f, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return nil, closeAfter(f, fmt.Errorf("%w: %s: %v", ErrLocked, dir, err))
	}
	return f, nil
}
