package clientui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/controller/dashboard/browsertest"
)

func TestUISetGetDelete(t *testing.T) {
	base := startUI(t, startCluster(t, 1, "").Endpoints())
	ctx := browsertest.New(t)
	openUI(t, ctx, base)

	submit(t, ctx, "set", map[string]string{"#set-key": "greeting", "#set-value": "hello, world"}, "#set-submit")
	require.Equal(t, "ok", newestRow(t, ctx, "set"))
	assert.Contains(t, textOf(t, ctx, "#write-result"), "set greeting at revision")

	submit(t, ctx, "get", map[string]string{"#get-key": "greeting"}, "#get-submit")
	require.Equal(t, "ok", newestRow(t, ctx, "get"))
	assert.Equal(t, "hello, world", textOf(t, ctx, "#value-text"))
	assert.Equal(t, "n1", textOf(t, ctx, "#value-node"))
	assert.Equal(t, "n1", textOf(t, ctx, `#log tbody tr[data-op="get"] .node`), "the log names the node that answered")

	submit(t, ctx, "delete", map[string]string{"#delete-key": "greeting"}, "#delete-submit")
	require.Equal(t, "ok", newestRow(t, ctx, "delete"))
	assert.Contains(t, textOf(t, ctx, "#write-result"), "deleted greeting")

	submit(t, ctx, "get", map[string]string{"#get-key": "greeting"}, "#get-submit")
	assert.Equal(t, "not_found", newestRow(t, ctx, "get"))
	assert.Equal(t, "missing", browsertest.Eval[string](t, ctx, `document.querySelector('#viewer').dataset.state`))
	assert.Contains(t, textOf(t, ctx, "#read-result"), "not found")
}

func TestUIBrowsesKeysByPrefix(t *testing.T) {
	c := startCluster(t, 1, "")
	base := startUI(t, c.Endpoints())
	client, err := c.NewClient()
	require.NoError(t, err)
	t.Cleanup(client.Close)
	var want []string
	for i := range 53 { // more than a page of 50
		key := fmt.Sprintf("fruit/%03d", i)
		want = append(want, key)
		_, err := client.Put(t.Context(), key, []byte(`{"n":`+fmt.Sprint(i)+`}`))
		require.NoError(t, err)
	}
	_, err = client.Put(t.Context(), "veg/leek", []byte("green"))
	require.NoError(t, err)
	ctx := browsertest.New(t)
	openUI(t, ctx, base)

	submit(t, ctx, "scan", map[string]string{"#browse-prefix": "fruit/"}, "#browse-submit")
	browsertest.WaitFor(t, ctx, "a first page of 50 keys", `document.querySelectorAll('#keys li[data-key]').length === 50`)
	browsertest.Click(t, ctx, "#browse-more")
	browsertest.WaitFor(t, ctx, "all 53 keys", `document.querySelectorAll('#keys li[data-key]').length === 53`)
	keys := browsertest.Eval[[]string](t, ctx, `[...document.querySelectorAll('#keys li[data-key]')].map((li) => li.dataset.key)`)
	assert.Equal(t, want, keys, "the prefix's keys in order, and only them")
	assert.True(t, browsertest.Eval[bool](t, ctx, `document.querySelector('#browse-more').hidden`), "no more pages")

	browsertest.Click(t, ctx, `#keys li[data-key="fruit/007"] button`)
	browsertest.WaitFor(t, ctx, "the picked key's value", `document.querySelector('#value-key').textContent === 'fruit/007'`)
	assert.Equal(t, "json", browsertest.Eval[string](t, ctx, `document.querySelector('#value-text').dataset.format`))
	assert.Equal(t, "{\n  \"n\": 7\n}", textOf(t, ctx, "#value-text"), "a JSON value is shown pretty")
	browsertest.Click(t, ctx, "#format-hex")
	assert.True(t, strings.HasPrefix(textOf(t, ctx, "#value-text"), "00000000  7b 22 6e 22"), "and as hex on demand")
}

func TestUIShowsMarkupAsText(t *testing.T) {
	base := startUI(t, startCluster(t, 1, "").Endpoints())
	ctx := browsertest.New(t)
	openUI(t, ctx, base)
	require.True(t, browsertest.Eval[bool](t, ctx, `window.alerts = []; window.alert = (m) => window.alerts.push(String(m)); true`))
	const key, value = `<img src=x onerror=alert(2)>`, `<script>alert(1)</script>`

	submit(t, ctx, "set", map[string]string{"#set-key": key, "#set-value": value}, "#set-submit")
	submit(t, ctx, "get", map[string]string{"#get-key": key}, "#get-submit")
	submit(t, ctx, "scan", map[string]string{"#browse-prefix": "<img"}, "#browse-submit")
	browsertest.WaitVisible(t, ctx, "#keys li[data-key]")

	assert.Equal(t, value, textOf(t, ctx, "#value-text"))
	assert.Equal(t, key, textOf(t, ctx, "#value-key"))
	assert.Equal(t, key, textOf(t, ctx, "#keys li[data-key] button"))
	assert.Equal(t, key, textOf(t, ctx, `#log tbody tr[data-op="set"] .key`))
	assert.Equal(t, 1, browsertest.Eval[int](t, ctx, `document.querySelectorAll('script').length`), "only the page's own module")
	assert.Equal(t, 0, browsertest.Eval[int](t, ctx, `document.querySelectorAll('main img').length`))
	assert.Equal(t, 0, browsertest.Eval[int](t, ctx, `window.alerts.length`), "no alert ran")
}

func TestUILogShowsARetryWhenANodeStops(t *testing.T) {
	c := startCluster(t, 3, t.TempDir())
	endpoints := c.Endpoints()
	base := startUI(t, endpoints)
	ctx := browsertest.New(t)
	openUI(t, ctx, base)
	submit(t, ctx, "set", map[string]string{"#set-key": "before", "#set-value": "1"}, "#set-submit")
	require.Equal(t, "ok", newestRow(t, ctx, "set"))

	require.NoError(t, c.StopNode(0))

	// Calls start on each endpoint in turn, so one of the next three sets
	// starts on the stopped node and has to retry on another.
	retried := `#log tbody tr[data-op="set"][data-result="ok"]:not([data-retries="0"])`
	for i := 0; i < 3 && !browsertest.Eval[bool](t, ctx, fmt.Sprintf(`!!document.querySelector(%s)`, jsString(retried))); i++ {
		submit(t, ctx, "set", map[string]string{"#set-key": fmt.Sprintf("after-%d", i), "#set-value": "2"}, "#set-submit")
		require.Equal(t, "ok", newestRow(t, ctx, "set"), "the set succeeds despite the stopped node")
	}
	require.True(t, browsertest.Eval[bool](t, ctx, fmt.Sprintf(`!!document.querySelector(%s)`, jsString(retried))),
		"a set that succeeded after a retry")
	assert.GreaterOrEqual(t, browsertest.Eval[int](t, ctx, fmt.Sprintf(`Number(document.querySelector(%s).dataset.retries)`, jsString(retried))), 1)
	browsertest.WaitFor(t, ctx, "the stopped node shown unreachable", fmt.Sprintf(
		`document.querySelector('#endpoints li[data-endpoint=%s]').dataset.state === 'unreachable'`, jsString(endpoints[0])))
}

func TestUIHasNoHorizontalOverflow(t *testing.T) {
	base := startUI(t, startCluster(t, 1, "").Endpoints())
	ctx := browsertest.New(t)
	openUI(t, ctx, base)
	long := strings.Repeat("very-long-key-without-spaces/", 6)
	submit(t, ctx, "set", map[string]string{"#set-key": long, "#set-value": strings.Repeat(`{"field": "value"} `, 20)}, "#set-submit")
	submit(t, ctx, "get", map[string]string{"#get-key": long}, "#get-submit")
	submit(t, ctx, "scan", map[string]string{"#browse-prefix": ""}, "#browse-submit")
	browsertest.Click(t, ctx, "#format-hex")
	dir := screenshotDir(t)
	for _, width := range []int64{375, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)))
			browsertest.WaitFor(t, ctx, fmt.Sprintf("a %d px wide window", width), fmt.Sprintf(`window.innerWidth === %d`, width))
			scroll := browsertest.Eval[int](t, ctx, `document.documentElement.scrollWidth`)
			assert.LessOrEqual(t, scroll, int(width), "the page is no wider than the window")
			browsertest.Screenshot(t, ctx, pngPath(dir, fmt.Sprintf("client-ui-%d", width)))
		})
	}
}
