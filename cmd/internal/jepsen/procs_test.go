package jepsen_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/treekv/kv/cmd/internal/faults"
)

// TestMain removes the node binaries the process scenarios built.
func TestMain(m *testing.M) {
	code := m.Run()
	if err := faults.RemoveBuilds(); err != nil {
		fmt.Fprintln(os.Stderr, "remove builds:", err)
	}
	os.Exit(code)
}
