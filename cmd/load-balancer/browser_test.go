package main

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/controller/dashboard/browsertest"
)

// rowSelector finds the status page's row of backend id in state health.
func rowSelector(id, health string) string {
	return fmt.Sprintf(`tr[data-backend=%q][data-health=%q]`, id, health)
}

// The status page shows every backend healthy, then a stopped node's row
// turn down without a reload, and fits a 375 px wide phone screen.
func TestBrowserStatusPageShowsKilledBackendDown(t *testing.T) {
	ctx := browsertest.New(t)
	c := startCluster(t, 3, t.TempDir())
	cfg := testConfig(c.Endpoints())
	_, base := start(t, cfg)

	browsertest.Open(t, ctx, base+"/")
	ids := make([]string, 3)
	for i, endpoint := range c.Endpoints() {
		u, err := url.Parse(endpoint)
		require.NoError(t, err)
		ids[i] = u.Host
		browsertest.WaitFor(t, ctx, "backend "+ids[i]+" healthy",
			fmt.Sprintf("document.querySelector(%q) !== null", rowSelector(ids[i], "up")))
	}
	browsertest.WaitFor(t, ctx, "3 backend rows", `document.querySelectorAll("tr[data-backend]").length === 3`)
	browsertest.WaitFor(t, ctx, "the policy in the header", `document.getElementById("policy").textContent === "round-robin"`)

	require.NoError(t, c.StopNode(1))
	browsertest.WaitFor(t, ctx, "backend "+ids[1]+" down",
		fmt.Sprintf("document.querySelector(%q) !== null", rowSelector(ids[1], "down")))
	badge := browsertest.Eval[string](t, ctx,
		fmt.Sprintf("document.querySelector(%q).textContent", rowSelector(ids[1], "down")+" .badge"))
	require.Equal(t, "unhealthy", badge)
	for _, i := range []int{0, 2} {
		require.True(t, browsertest.Eval[bool](t, ctx,
			fmt.Sprintf("document.querySelector(%q) !== null", rowSelector(ids[i], "up"))), "backend %s stays up", ids[i])
	}

	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(375, 800)))
	browsertest.WaitFor(t, ctx, "a 375 px viewport", "window.innerWidth === 375")
	overflow := browsertest.Eval[int](t, ctx, "document.documentElement.scrollWidth - window.innerWidth")
	require.LessOrEqual(t, overflow, 0, "no horizontal overflow at 375 px")
}
