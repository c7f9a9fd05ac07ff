package browsertest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/treekv/kv/node/controller/dashboard/browsertest"
)

// page is a page whose button counts its clicks.
const page = `<!doctype html><title>t</title>
<button id="b" type="button">clicked 0</button>
<script>
let n = 0;
document.getElementById('b').addEventListener('click', (e) => { e.target.textContent = 'clicked ' + (++n); });
</script>`

func TestBrowserDrivesAPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	}))
	t.Cleanup(srv.Close)
	ctx := browsertest.New(t)

	browsertest.Open(t, ctx, srv.URL)
	browsertest.WaitVisible(t, ctx, "#b")
	browsertest.Click(t, ctx, "#b")
	browsertest.Click(t, ctx, "#b")

	browsertest.WaitFor(t, ctx, "two clicks counted", `document.getElementById('b').textContent === 'clicked 2'`)
	assert.Equal(t, 2, browsertest.Eval[int](t, ctx, `n`))
	assert.Equal(t, "t", browsertest.Eval[string](t, ctx, `document.title`))
}
