package clientui

import (
	"errors"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/treekv/kv"
)

// Page sizes of GET /api/scan.
const (
	defaultScanLimit = 50
	maxScanLimit     = 1000
	previewBytes     = 80 // of each value, in the key list
)

// scanJSON is the answer of GET /api/scan: one page of keys and the cursor
// of the next (empty at the end).
type scanJSON struct {
	Items []scanItemJSON `json:"items"`
	Next  string         `json:"next"`
	Call  *callJSON      `json:"call"`
}

// scanItemJSON is one key of a page with its revision, its value's size and
// the start of its value when that is text.
type scanItemJSON struct {
	Key      string `json:"key"`
	Revision uint64 `json:"revision"`
	Size     int    `json:"size"`
	Preview  string `json:"preview,omitempty"`
}

// scan answers GET /api/scan?prefix=&cursor=&limit=.
func (s *Server) scan(w http.ResponseWriter, r *http.Request) {
	opts, err := scanOptions(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	t := track(ctx)
	page, err := s.client.Scan(t.ctx, opts)
	call := t.done()
	if err != nil {
		s.writeCallError(w, r, err, call)
		return
	}
	ans := scanJSON{Items: make([]scanItemJSON, len(page.Items)), Next: page.Next, Call: call}
	for i, it := range page.Items {
		ans.Items[i] = scanItemJSON{Key: it.Key, Revision: it.Revision, Size: len(it.Value), Preview: preview(it.Value)}
	}
	writeJSON(w, http.StatusOK, ans)
}

// scanOptions reads the query of a scan.
func scanOptions(r *http.Request) (kv.ScanOptions, error) {
	q := r.URL.Query()
	opts := kv.ScanOptions{Prefix: q.Get("prefix"), Cursor: q.Get("cursor"), Limit: defaultScanLimit}
	if raw := q.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > maxScanLimit {
			return opts, errors.New("limit must be an integer from 1 to " + strconv.Itoa(maxScanLimit))
		}
		opts.Limit = n
	}
	return opts, nil
}

// preview is the start of value when it is text, cut at a rune boundary;
// empty for a binary value.
func preview(value []byte) string {
	if !utf8.Valid(value) {
		return ""
	}
	if len(value) <= previewBytes {
		return string(value)
	}
	cut := previewBytes
	for cut > 0 && !utf8.RuneStart(value[cut]) {
		cut--
	}
	return string(value[:cut]) + "…"
}
