// Package browsertest drives a headless Chromium from Go tests, through
// github.com/chromedp/chromedp, to check web pages as a user sees them.
//
// New starts the browser; the helpers wait for the page to reach a state
// (always with a deadline, never a fixed sleep), click and evaluate. A test
// that needs the browser is skipped where Debian's chromium is not
// installed, except under CI=true, where it fails instead: CI installs the
// browser (see .ci/run), so a browser test there always runs.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

const (
	// ChromiumPath is where Debian's chromium package puts the browser.
	ChromiumPath = "/usr/bin/chromium"
	// BrowserTimeout bounds everything one test does in its browser.
	BrowserTimeout = 90 * time.Second
)

// New starts a headless Chromium for t, in a fresh temporary profile, and
// returns a context whose chromedp actions drive one tab of it. Every
// action on it ends within BrowserTimeout. When t ends the browser is
// closed and its profile removed, and t fails if a page threw an uncaught
// JavaScript exception. Without the browser t is skipped, except under
// CI=true, where it fails.
func New(t *testing.T) context.Context {
	t.Helper()
	requireBrowser(t)
	page := &pageLog{t: t}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), options()...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx,
		chromedp.WithErrorf(page.logf), chromedp.WithListener(page.listen))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		page.close()
	})
	// The first action starts the browser, tied to tabCtx: no timeout on it.
	require.NoError(t, chromedp.Do(tabCtx), "start %s", ChromiumPath)
	ctx, cancel := context.WithTimeout(tabCtx, BrowserTimeout)
	t.Cleanup(cancel)
	return ctx
}

// requireBrowser skips t, or fails it under CI=true, when the browser is
// not installed.
func requireBrowser(t *testing.T) {
	t.Helper()
	_, err := os.Stat(ChromiumPath)
	switch {
	case err == nil:
	case os.Getenv("CI") == "true":
		t.Fatalf("browser test needs %s under CI (apt-get install chromium): %v", ChromiumPath, err)
	default:
		t.Skipf("browser test skipped: %s not found (apt-get install chromium): %v", ChromiumPath, err)
	}
}

// options are chromedp's defaults plus the flags these tests need. Without
// a user-data-dir flag chromedp makes a fresh temporary profile per browser
// and removes it when the browser is closed.
func options() []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
}

// pageLog passes the browser's complaints to the test log while the test
// runs, and fails the test for uncaught exceptions of the page.
type pageLog struct {
	t      *testing.T
	mu     sync.Mutex
	closed bool
	thrown []string
}

// logf logs chromedp's errors until the test ends.
func (p *pageLog) logf(format string, args ...any) {
	p.print("chromedp: "+format, args...)
}

// print logs to the test until it ends.
func (p *pageLog) print(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.t.Logf(format, args...)
	}
}

// listen records uncaught exceptions and logs console errors of the page.
func (p *pageLog) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		p.mu.Lock()
		p.thrown = append(p.thrown, exceptionText(ev.ExceptionDetails))
		p.mu.Unlock()
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
			p.print("page console.%s: %s", ev.Type, consoleText(ev.Args))
		}
	}
}

// close stops the logging and fails the test for every exception recorded.
func (p *pageLog) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, text := range p.thrown {
		p.t.Errorf("the page threw an uncaught exception: %s", text)
	}
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "(no details)"
	}
	text := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		text += " " + d.Exception.Description
	}
	return fmt.Sprintf("%s (%s:%d:%d)", text, d.URL, d.LineNumber+1, d.ColumnNumber+1)
}

func consoleText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		if a.Description != "" {
			parts = append(parts, a.Description)
		} else {
			parts = append(parts, string(a.Value))
		}
	}
	return strings.Join(parts, " ")
}
