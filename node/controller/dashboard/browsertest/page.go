package browsertest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// WaitTimeout bounds one wait for the page to reach a state. It is
// generous, for the race detector on a loaded two-core machine; a page in
// the state already passes at once.
const WaitTimeout = 20 * time.Second

// Open loads url in the tab of ctx and waits for it to load.
func Open(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(url)), "open %s", url)
}

// WaitFor polls the JavaScript expression expr in the page until it is
// truthy, and fails t, saying what it waited for, after WaitTimeout.
func WaitFor(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(50*time.Millisecond),
		chromedp.WithPollingTimeout(WaitTimeout)))
	require.NoError(t, err, "waiting for %s: %s", what, expr)
}

// WaitVisible waits until the element that the CSS selector sel finds is
// shown, and fails t after WaitTimeout.
func WaitVisible(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	waitCtx, cancel := context.WithTimeout(ctx, WaitTimeout)
	defer cancel()
	require.NoError(t, chromedp.Do(waitCtx, chromedp.WaitVisible(chromedp.CSS(sel))), "waiting for %s to show", sel)
}

// Eval evaluates expr in the page and returns its value as a T.
func Eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err, "evaluate %s", expr)
	return v
}

// Click clicks the element that the CSS selector sel finds, once it is
// shown (within WaitTimeout).
func Click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	waitCtx, cancel := context.WithTimeout(ctx, WaitTimeout)
	defer cancel()
	require.NoError(t, chromedp.Do(waitCtx, chromedp.Click(chromedp.CSS(sel))), "click %s", sel)
}

// Screenshot saves a full-page PNG screenshot of the page to path.
func Screenshot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err, "screenshot")
	require.NoError(t, os.WriteFile(path, png, 0o644))
	t.Logf("screenshot saved to %s", path)
}
