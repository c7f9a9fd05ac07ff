package faults

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// NodePackage is the import path of the storage node's command.
const NodePackage = "github.com/treekv/kv/cmd/node"

// builds caches the binaries built during one test run, so every test of
// the run shares one build of each package and tag set. It is the one
// package-level variable: a build cache has to outlive the test that asked
// first. RemoveBuilds deletes what it holds.
var builds = buildCache{entries: map[string]*build{}}

type buildCache struct {
	mu      sync.Mutex
	dir     string
	entries map[string]*build
}

type build struct {
	dir  string // where the binary goes
	once sync.Once
	path string
	err  error
}

// Build returns the path of a binary of pkg built with the build tags
// tags, building it on the first call of the test run for that pkg and
// tag set and failing tb if the build fails. Build is safe for concurrent
// use; call RemoveBuilds from TestMain to delete the binaries.
func Build(tb testing.TB, pkg string, tags ...string) string {
	tb.Helper()
	b, err := builds.entry(pkg, tags)
	if err != nil {
		tb.Fatalf("build %s: %v", pkg, err)
	}
	b.once.Do(func() { b.path, b.err = goBuild(b.dir, pkg, tags) })
	if b.err != nil {
		tb.Fatalf("build %s: %v", pkg, b.err)
	}
	return b.path
}

// BuildNode returns the path of the storage node's binary, as Build does.
func BuildNode(tb testing.TB, tags ...string) string {
	tb.Helper()
	return Build(tb, NodePackage, tags...)
}

// RemoveBuilds deletes every binary Build made in this test run; a later
// Build builds again.
func RemoveBuilds() error {
	builds.mu.Lock()
	defer builds.mu.Unlock()
	dir := builds.dir
	builds.dir, builds.entries = "", map[string]*build{}
	if dir == "" {
		return nil
	}
	return os.RemoveAll(dir)
}

// entry returns the cache entry of pkg and tags, made on first use.
func (c *buildCache) entry(pkg string, tags []string) (*build, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dir == "" {
		dir, err := os.MkdirTemp("", "treekv-faults-")
		if err != nil {
			return nil, err
		}
		c.dir = dir
	}
	key := pkg + " " + strings.Join(tags, ",")
	b, ok := c.entries[key]
	if !ok {
		b = &build{dir: filepath.Join(c.dir, fmt.Sprintf("b%d", len(c.entries)))}
		c.entries[key] = b
	}
	return b, nil
}

// goBuild runs go build of pkg into dir.
func goBuild(dir, pkg string, tags []string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	out := filepath.Join(dir, path.Base(pkg))
	args := []string{"build", "-o", out}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	cmd := exec.Command("go", append(args, pkg)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, msg)
	}
	return out, nil
}
