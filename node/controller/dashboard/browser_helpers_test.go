package dashboard_test

import (
	"context"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/controller/dashboard/browsertest"
)

// screenshotEnv names the variable that asks for screenshots of the page.
const screenshotEnv = "DASHBOARD_SCREENSHOT"

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
	browsertest.Screenshot(t, ctx, "/tmp/dashboard.png")
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)))
	browsertest.Screenshot(t, ctx, "/tmp/dashboard-phone.png")
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateReset()))
}
