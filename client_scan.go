package kv

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/treekv/kv/node"
)

// ScanItem is one key of a scan: the key, its value and its mod revision.
type ScanItem = node.ScanItem

// ScanOptions selects the keys of a scan. The zero value scans every key.
type ScanOptions struct {
	// Prefix, when set, limits the scan to keys that start with it.
	Prefix string
	// Start is the first key of the range, inclusive; empty means the first key.
	Start string
	// End is the end of the range, exclusive; empty means past the last key.
	End string
	// Limit is the most keys per page; 0 lets the server choose.
	Limit int
	// Cursor resumes a scan after the page that returned it as Next.
	Cursor string
	// Stale lets any replica serve the scan; it may then miss recent writes.
	Stale bool
}

// ScanPage is one page of a scan, keys in byte order across all partitions.
type ScanPage struct {
	Items []ScanItem
	// Next is the cursor of the following page, empty when the scan is done.
	Next string
}

// Scan returns one page of the keys opts selects, in byte order. Pass the
// page's Next as opts.Cursor to get the following page.
func (c *Client) Scan(ctx context.Context, opts ScanOptions) (ScanPage, error) {
	if opts.Limit < 0 {
		return ScanPage{}, node.Errorf(ErrBadRequest, "kv: ScanOptions.Limit (%d) cannot be negative", opts.Limit)
	}
	a := &apiCall{method: http.MethodGet, path: "/v1/scan", query: opts.query()}
	var resp node.ScanResponse
	if err := c.callJSON(ctx, a, &resp); err != nil {
		return ScanPage{}, err
	}
	return ScanPage{Items: resp.Items, Next: resp.Next}, nil
}

// ScanAll returns every key opts selects, in byte order, following the
// cursors from page to page (opts.Limit sets the page size). Each page is
// read on its own, so the result is not one snapshot: a key written during
// the scan may or may not appear.
func (c *Client) ScanAll(ctx context.Context, opts ScanOptions) ([]ScanItem, error) {
	var items []ScanItem
	for item, err := range c.ScanIter(ctx, opts) {
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	return items, nil
}

// ScanIter returns an iterator over every key opts selects, in byte order.
// It fetches one page at a time (opts.Limit sets the page size), following
// the cursors, and only as far as the loop goes: breaking out of the loop
// stops the scan. On the first error it yields that error with a zero
// ScanItem and stops. As with ScanAll, the pages are not one snapshot.
//
//	for item, err := range c.ScanIter(ctx, kv.ScanOptions{Prefix: "user/"}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(item.Key)
//	}
func (c *Client) ScanIter(ctx context.Context, opts ScanOptions) iter.Seq2[ScanItem, error] {
	return func(yield func(ScanItem, error) bool) {
		for {
			page, err := c.Scan(ctx, opts)
			if err != nil {
				yield(ScanItem{}, err)
				return
			}
			for _, item := range page.Items {
				if !yield(item, nil) {
					return
				}
			}
			if page.Next == "" {
				return
			}
			if page.Next == opts.Cursor {
				yield(ScanItem{}, fmt.Errorf("kv: scan cursor %q did not advance (%w)", page.Next, ErrInternal))
				return
			}
			opts.Cursor = page.Next
		}
	}
}

func (o ScanOptions) query() url.Values {
	q := url.Values{}
	set := func(name, value string) {
		if value != "" {
			q.Set(name, value)
		}
	}
	set("prefix", o.Prefix)
	set("start", o.Start)
	set("end", o.End)
	set("cursor", o.Cursor)
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Stale {
		q.Set(node.ParamConsistency, node.ConsistencyStale)
	}
	return q
}
