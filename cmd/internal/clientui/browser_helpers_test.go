package clientui

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/controller/dashboard/browsertest"
)

// screenshotEnv names the variable that, when set to a directory, asks the
// browser tests to save their screenshots there instead of t.TempDir().
const screenshotEnv = "CLIENT_UI_SCREENSHOTS"

// screenshotDir is where the screenshots of t go.
func screenshotDir(t *testing.T) string {
	if dir := os.Getenv(screenshotEnv); dir != "" {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		return dir
	}
	return t.TempDir()
}

// openUI loads the UI at base and waits until it has shown the state of
// its endpoints.
func openUI(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	browsertest.Open(t, ctx, base+"/")
	browsertest.WaitVisible(t, ctx, "#set-key")
	browsertest.WaitFor(t, ctx, "the endpoints' state", `document.querySelector('#conn').dataset.state !== 'connecting'`)
}

// fill sets the value of the input or textarea sel, as typing would.
func fill(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	v, err := json.Marshal(value)
	require.NoError(t, err)
	require.True(t, browsertest.Eval[bool](t, ctx, fmt.Sprintf(
		`(() => { const e = document.querySelector(%s); e.value = %s; return e.value === %s; })()`, jsString(sel), v, v)))
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// submit fills the form's fields (selector -> value), clicks button and
// waits until the log has one more row for op.
func submit(t *testing.T, ctx context.Context, op string, fields map[string]string, button string) {
	t.Helper()
	before := logRows(t, ctx, op)
	for sel, v := range fields {
		fill(t, ctx, sel, v)
	}
	browsertest.Click(t, ctx, button)
	browsertest.WaitFor(t, ctx, "a log row for "+op, fmt.Sprintf(
		`document.querySelectorAll('#log tbody tr[data-op=%s]').length > %d`, jsString(op), before))
}

// logRows counts the log rows of op.
func logRows(t *testing.T, ctx context.Context, op string) int {
	t.Helper()
	return browsertest.Eval[int](t, ctx, fmt.Sprintf(`document.querySelectorAll('#log tbody tr[data-op=%s]').length`, jsString(op)))
}

// newestRow is the result of the newest log row of op.
func newestRow(t *testing.T, ctx context.Context, op string) string {
	t.Helper()
	return browsertest.Eval[string](t, ctx, fmt.Sprintf(`document.querySelector('#log tbody tr[data-op=%s]').dataset.result`, jsString(op)))
}

// textOf is the textContent of the element sel.
func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return browsertest.Eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%s).textContent`, jsString(sel)))
}

// pngPath is the path of a screenshot named name in dir.
func pngPath(dir, name string) string { return filepath.Join(dir, name+".png") }
