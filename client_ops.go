package kv

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/treekv/kv/node"
)

// Get returns key's value and mod revision, read linearizably: the answer
// reflects every write that completed before Get was called. It fails with
// ErrNotFound if the key is absent.
func (c *Client) Get(ctx context.Context, key string) (Value, error) {
	return c.GetWith(ctx, key, ReadOptions{})
}

// GetStale returns key's value and mod revision as any replica has it: it
// may miss recent writes, but it is served even without a partition leader.
// It fails with ErrNotFound if that replica does not have the key.
func (c *Client) GetStale(ctx context.Context, key string) (Value, error) {
	return c.GetWith(ctx, key, ReadOptions{Stale: true})
}

// ReadOptions sets the consistency of one read. The zero value asks for a
// linearizable read.
type ReadOptions struct {
	// Stale lets any replica serve the read: it may miss recent writes, but
	// it is served even without a partition leader.
	Stale bool
}

// GetWith returns key's value and mod revision with the consistency opts
// asks for: linearizable, as Get, or stale, as GetStale. It fails with
// ErrNotFound if the key is absent (on the serving replica, for a stale read).
func (c *Client) GetWith(ctx context.Context, key string, opts ReadOptions) (Value, error) {
	var query url.Values
	if opts.Stale {
		query = url.Values{node.ParamConsistency: {node.ConsistencyStale}}
	}
	return c.get(ctx, key, query, opts.Stale)
}

// Put sets key to value and returns the write's revision, the key's new mod
// revision. A Put whose answer is lost is retried and applies once; if no
// answer arrives at all, the error matches ErrIndeterminate.
func (c *Client) Put(ctx context.Context, key string, value []byte) (revision uint64, err error) {
	return c.put(ctx, key, value, nil)
}

// CompareAndSwap sets key to value only if the key's mod revision is
// ifRevision (0: only if the key is absent), and returns the new revision.
// Otherwise nothing changes and the error is a *ConflictError, matching
// ErrConflict, that carries the key's current revision.
func (c *Client) CompareAndSwap(ctx context.Context, key string, value []byte, ifRevision uint64) (uint64, error) {
	return c.put(ctx, key, value, ifRevisionQuery(ifRevision))
}

// Delete removes key. It reports whether the key existed and the revision
// of the write; deleting an absent key is not an error.
func (c *Client) Delete(ctx context.Context, key string) (deleted bool, revision uint64, err error) {
	return c.delete(ctx, key, nil)
}

// CompareAndDelete removes key only if its mod revision is ifRevision, and
// reports whether it existed and the write's revision. Otherwise nothing
// changes and the error is a *ConflictError, matching ErrConflict, that
// carries the key's current revision (0 if the key is absent).
func (c *Client) CompareAndDelete(ctx context.Context, key string, ifRevision uint64) (bool, uint64, error) {
	return c.delete(ctx, key, ifRevisionQuery(ifRevision))
}

func (c *Client) get(ctx context.Context, key string, query url.Values, stale bool) (Value, error) {
	if err := checkKey(key); err != nil {
		return Value{}, err
	}
	a := &apiCall{method: http.MethodGet, path: keyPath(key), query: query, routeKey: key, stale: stale}
	ans, err := c.do(ctx, a)
	if err != nil {
		return Value{}, err
	}
	rev, err := strconv.ParseUint(ans.header.Get(node.HeaderRevision), 10, 64)
	if err != nil {
		return Value{}, fmt.Errorf("kv: malformed answer to %s: header %s: %v (%w)",
			a.target(), node.HeaderRevision, err, ErrInternal)
	}
	return Value{Data: ans.body, Revision: rev}, nil
}

func (c *Client) put(ctx context.Context, key string, value []byte, query url.Values) (uint64, error) {
	if err := checkKey(key); err != nil {
		return 0, err
	}
	a := &apiCall{method: http.MethodPut, path: keyPath(key), query: query, body: value,
		contentType: "application/octet-stream", write: true, key: key, routeKey: key}
	var resp node.PutResponse
	if err := c.callJSON(ctx, a, &resp); err != nil {
		return 0, err
	}
	return resp.Revision, nil
}

func (c *Client) delete(ctx context.Context, key string, query url.Values) (bool, uint64, error) {
	if err := checkKey(key); err != nil {
		return false, 0, err
	}
	a := &apiCall{method: http.MethodDelete, path: keyPath(key), query: query, write: true, key: key, routeKey: key}
	var resp node.DeleteResponse
	if err := c.callJSON(ctx, a, &resp); err != nil {
		return false, 0, err
	}
	return resp.Deleted, resp.Revision, nil
}

// checkKey refuses an empty key before any request is sent.
func checkKey(key string) error {
	if key == "" {
		return node.Errorf(ErrBadRequest, "kv: the key is empty")
	}
	return nil
}

func ifRevisionQuery(rev uint64) url.Values {
	return url.Values{node.ParamIfRevision: {strconv.FormatUint(rev, 10)}}
}
