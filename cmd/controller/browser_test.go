package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/clitest"
	"github.com/treekv/kv/node/controller/dashboard/browsertest"
)

// The shape of the cluster the real-cluster browser test runs.
const (
	realNodes      = 3
	realPartitions = 8
)

// TestDashboardRealCluster runs the command with its embedded nodes, opens
// the dashboard in a real browser, stops a node that leads partitions from
// the page and watches, without a reload, the node turn down and its
// leaderships move to the others; then restarts it and watches it return.
func TestDashboardRealCluster(t *testing.T) {
	_, base := start(t, testConfig(realNodes, t.TempDir()))
	clitest.WaitHealthy(t, base, realNodes, realPartitions)
	ctx := browsertest.New(t)
	openDashboard(t, ctx, base)
	browsertest.WaitFor(t, ctx, "a leader in every partition", everyPartitionLed(""))
	require.True(t, browsertest.Eval[bool](t, ctx, `window.notReloaded = true`))
	victim := browsertest.Eval[string](t, ctx, `document.querySelector('#grid td[data-role="leader"]').dataset.node`)

	browsertest.Click(t, ctx, fmt.Sprintf(`#nodes button[data-action="stop"][data-node=%q]`, victim))

	browsertest.WaitFor(t, ctx, victim+"'s row to turn down", nodeHealth(victim, "down"))
	browsertest.WaitFor(t, ctx, "every partition led by a node other than "+victim, everyPartitionLed(victim))
	require.True(t, browsertest.Eval[bool](t, ctx, `window.notReloaded === true`), "the page updated without reloading")

	browsertest.Click(t, ctx, fmt.Sprintf(`#nodes button[data-action="restart"][data-node=%q]`, victim))

	browsertest.WaitFor(t, ctx, victim+"'s row to turn up", nodeHealth(victim, "up"))
	browsertest.WaitFor(t, ctx, "every replica of "+victim+" back as leader or follower", fmt.Sprintf(
		`[...document.querySelectorAll('#grid td[data-node=%q]')].every((td) => ['leader', 'follower'].includes(td.dataset.role))`, victim))
	require.True(t, browsertest.Eval[bool](t, ctx, `window.notReloaded === true`), "the page updated without reloading")
}

// openDashboard loads the dashboard at base and waits until every node row
// and every partition x node cell is shown.
func openDashboard(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	browsertest.Open(t, ctx, base+"/")
	for n := 1; n <= realNodes; n++ {
		browsertest.WaitVisible(t, ctx, fmt.Sprintf(`#nodes tr[data-node="n%d"]`, n))
		for p := 1; p <= realPartitions; p++ {
			browsertest.WaitVisible(t, ctx, fmt.Sprintf(`#grid td[data-partition="%d"][data-node="n%d"]`, p, n))
		}
	}
}

// nodeHealth is a page expression: node id's row shows health.
func nodeHealth(id, health string) string {
	return fmt.Sprintf(`document.querySelector('#nodes tr[data-node=%q]').dataset.health === %q`, id, health)
}

// everyPartitionLed is a page expression: each of the partitions' rows
// shows exactly one leader, and none on node not (when not is set).
func everyPartitionLed(not string) string {
	return fmt.Sprintf(`(() => {
		const rows = [...document.querySelectorAll('#grid tbody tr[data-partition]')];
		return rows.length === %d && rows.every((tr) =>
			tr.querySelectorAll('td[data-role="leader"]').length === 1 &&
			!tr.querySelector('td[data-node=%q][data-role="leader"]'));
	})()`, realPartitions, not)
}
