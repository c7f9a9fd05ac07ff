package dashboard_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/controller/dashboard/browsertest"
)

// openFakeDashboard loads the page served with the fake controller and waits
// until every node row and every partition x node cell of the fake cluster
// (nodes n1 to n3, partitions 1 to 4) is shown.
func openFakeDashboard(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	browsertest.Open(t, ctx, url)
	for n := 1; n <= 3; n++ {
		browsertest.WaitVisible(t, ctx, fmt.Sprintf(`#nodes tr[data-node="n%d"]`, n))
		for p := 1; p <= 4; p++ {
			browsertest.WaitVisible(t, ctx, fmt.Sprintf(`#grid td[data-partition="%d"][data-node="n%d"]`, p, n))
		}
	}
}

func TestDashboardInBrowserFake(t *testing.T) {
	fake, srv := startFakeController(t)
	ctx := browsertest.New(t)
	openFakeDashboard(t, ctx, srv.URL)
	browsertest.WaitFor(t, ctx, "n2 to lead partitions 2 and 4",
		`document.querySelectorAll('#grid td[data-node="n2"][data-role="leader"]').length === 2`)
	browsertest.WaitFor(t, ctx, "the replayed node_joined events in the log",
		`document.querySelectorAll('#events li[data-kind="node_joined"]').length === 3`)
	require.True(t, browsertest.Eval[bool](t, ctx, `window.notReloaded = true`))

	browsertest.Click(t, ctx, `#nodes button[data-action="stop"][data-node="n2"]`)

	browsertest.WaitFor(t, ctx, "n2's row to turn down",
		`document.querySelector('#nodes tr[data-node="n2"]').dataset.health === 'down'`)
	browsertest.WaitFor(t, ctx, "n2 to lead nothing, and n1 and n3 to lead all 4 partitions",
		`document.querySelectorAll('#grid td[data-node="n2"][data-role="leader"]').length === 0 &&
		 document.querySelectorAll('#grid td[data-role="leader"]').length === 4`)
	browsertest.WaitFor(t, ctx, "n2's replicas to show down",
		`document.querySelectorAll('#grid td[data-node="n2"][data-role="down"]').length === 4`)
	browsertest.WaitFor(t, ctx, "the node_down event of n2 in the log",
		`[...document.querySelectorAll('#events li[data-kind="node_down"]')].some((li) => li.textContent.includes('n2'))`)
	browsertest.WaitFor(t, ctx, "a toast saying n2 stopped", `document.querySelector('#toast').textContent.includes('n2 stopped')`)
	require.True(t, browsertest.Eval[bool](t, ctx, `window.notReloaded === true`), "the page updated without reloading")
	require.Equal(t, []string{"stop n2"}, fake.actionsSeen())

	if screenshotsAsked() {
		browsertest.Click(t, ctx, `#grid tr[data-partition="2"]`) // show the details too
		browsertest.WaitVisible(t, ctx, `#details-body`)
		saveScreenshots(t, ctx)
	}
}

func TestDashboardPartitionDetailsInBrowserFake(t *testing.T) {
	fake, srv := startFakeController(t)
	ctx := browsertest.New(t)
	openFakeDashboard(t, ctx, srv.URL)

	browsertest.Click(t, ctx, `#grid tr[data-partition="2"]`)

	browsertest.WaitVisible(t, ctx, `#details-body`)
	browsertest.WaitFor(t, ctx, "the details of partition 2",
		`document.querySelector('#details-id').textContent === 'P2' &&
		 document.querySelector('#details-facts').textContent.includes('[0x4000000000000000, 0x8000000000000000)') &&
		 document.querySelectorAll('#replicas tbody tr[data-node]').length === 3 &&
		 document.querySelector('#replicas tr[data-node="n2"]').dataset.role === 'leader'`)

	require.NoError(t, chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#transfer-to`), "n3")))
	browsertest.Click(t, ctx, `#transfer-form button[type="submit"]`)

	browsertest.WaitFor(t, ctx, "n3 to lead partition 2 in the grid and the details",
		`document.querySelector('#grid td[data-partition="2"][data-node="n3"]').dataset.role === 'leader' &&
		 document.querySelector('#replicas tr[data-node="n3"]').dataset.role === 'leader'`)
	browsertest.WaitFor(t, ctx, "a toast about the transfer", `document.querySelector('#toast').textContent.includes('leadership moving to n3')`)
	require.Equal(t, []string{"transfer 2 n3"}, fake.actionsSeen())
}
