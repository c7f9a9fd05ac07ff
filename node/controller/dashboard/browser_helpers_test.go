package dashboard_test

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
	// chromiumPath is where Debian's chromium package puts the browser.
	chromiumPath = "/usr/bin/chromium"
	// browserTimeout bounds everything one test does in its browser.
	browserTimeout = 60 * time.Second
	// waitTimeout bounds one wait for the page to reach a state.
	waitTimeout = 10 * time.Second
	// screenshotEnv names the variable that asks for screenshots of the page.
	screenshotEnv = "DASHBOARD_SCREENSHOT"
)

// newBrowser starts a headless Chromium for t, in a fresh temporary profile,
// and returns a context whose chromedp actions drive one tab of it. Every
// action on it ends within browserTimeout. When t ends the browser is closed
// and its profile removed, and t fails if the page threw an uncaught
// JavaScript exception. Without the browser the test is skipped, except
// under CI=true, where it fails.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser test needs %s under CI (apt-get install chromium): %v", chromiumPath, err)
		}
		t.Skipf("browser test skipped: %s not found (apt-get install chromium): %v", chromiumPath, err)
	}
	page := &pageLog{t: t}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), browserOptions()...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx,
		chromedp.WithErrorf(page.logf), chromedp.WithListener(page.listen))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		page.close()
	})
	// The first action starts the browser, tied to tabCtx: no timeout on it.
	require.NoError(t, chromedp.Do(tabCtx), "start %s", chromiumPath)
	ctx, cancel := context.WithTimeout(tabCtx, browserTimeout)
	t.Cleanup(cancel)
	return ctx
}

// browserOptions are chromedp's defaults plus the flags these tests need.
// Without a user-data-dir flag chromedp makes a fresh temporary profile per
// browser and removes it when the browser is closed.
func browserOptions() []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
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

// waitFor polls the JavaScript expression expr in the page until it is
// truthy, and fails t, saying what it waited for, after waitTimeout.
func waitFor(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(50*time.Millisecond),
		chromedp.WithPollingTimeout(waitTimeout)))
	require.NoError(t, err, "waiting for %s: %s", what, expr)
}

// waitVisible waits until the element that the CSS selector sel finds is
// shown, and fails t after waitTimeout.
func waitVisible(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	waitCtx, cancel := context.WithTimeout(ctx, waitTimeout)
	defer cancel()
	require.NoError(t, chromedp.Do(waitCtx, chromedp.WaitVisible(chromedp.CSS(sel))), "waiting for %s to show", sel)
}

// evalJS evaluates expr in the page and returns its value as a T.
func evalJS[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err, "evaluate %s", expr)
	return v
}

// click clicks the element that the CSS selector sel finds.
func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))), "click %s", sel)
}

// screenshotsAsked reports whether the variable DASHBOARD_SCREENSHOT asks
// for screenshots of the page.
func screenshotsAsked() bool {
	return os.Getenv(screenshotEnv) != ""
}

// saveScreenshots saves full-page screenshots of the page: at the browser's
// width to /tmp/dashboard.png and at a phone's width to
// /tmp/dashboard-phone.png.
func saveScreenshots(t *testing.T, ctx context.Context) {
	t.Helper()
	saveScreenshot(t, ctx, "/tmp/dashboard.png")
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)))
	saveScreenshot(t, ctx, "/tmp/dashboard-phone.png")
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateReset()))
}

func saveScreenshot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err, "screenshot")
	require.NoError(t, os.WriteFile(path, png, 0o644))
	t.Logf("screenshot saved to %s", path)
}
