package kv

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetryAfterSeconds bounds the Retry-After a server may ask for;
// MaxBackoff caps the pause further.
const maxRetryAfterSeconds = 3600

// do sends a until an attempt succeeds or fails for good, at most
// maxAttempts times. Attempts rotate across the endpoints, the first on the
// endpoint after the one the previous call started on; in partition-aware
// mode a single-key call goes to its partition's leader first. A write
// carries one Idempotency-Key on every attempt, so that it applies at most
// once. The call's CallInfo, if any, follows every attempt.
func (c *Client) do(ctx context.Context, a *apiCall) (*apiAnswer, error) {
	info := callInfoFrom(ctx)
	if info != nil {
		*info = CallInfo{}
	}
	if err := c.awaitEndpoints(ctx, a); err != nil {
		return nil, err
	}
	var idempotencyKey string
	if a.write {
		idempotencyKey = newIdempotencyKey()
	}
	r := retryState{start: c.next.Add(1) - 1}
	for i := range c.maxAttempts {
		if i > 0 {
			if err := c.pause(ctx, i, r.last.retryAfter); err != nil {
				return nil, r.interrupted(a, err)
			}
		}
		t := c.pick(a, &r, i)
		ans, f := c.attempt(ctx, t, a, idempotencyKey)
		info.recordAttempt(i+1, t.base, servedBy(ans, f))
		c.observe(t, ans, f)
		if f == nil {
			return ans, nil
		}
		if !f.retryable {
			return nil, f.err
		}
		r.record(f, t.base)
		if err := ctx.Err(); err != nil {
			return nil, r.interrupted(a, err)
		}
	}
	return nil, r.exhausted(a)
}

// pause waits before retry number retry (1 for the first retry), or until
// ctx is done.
func (c *Client) pause(ctx context.Context, retry int, floor time.Duration) error {
	t := time.NewTimer(c.backoff(retry, floor))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// backoff draws the pause before retry number retry uniformly from
// [0, min(MaxBackoff, BaseBackoff·2^(retry-1))) (full jitter), then raises it
// to the server's floor, never past MaxBackoff.
func (c *Client) backoff(retry int, floor time.Duration) time.Duration {
	ceiling := c.baseBackoff
	for i := 1; i < retry && ceiling < c.maxBackoff; i++ {
		ceiling += min(ceiling, c.maxBackoff-ceiling) // doubles, up to maxBackoff, without overflow
	}
	return min(max(c.draw(ceiling), floor), c.maxBackoff)
}

// draw picks a pause uniformly from [0, ceiling), or as the test hook
// jitter says.
func (c *Client) draw(ceiling time.Duration) time.Duration {
	if c.jitter != nil {
		return c.jitter(ceiling)
	}
	return rand.N(ceiling)
}

// parseRetryAfter reads a Retry-After header given in seconds; 0 if absent
// or not a positive number of seconds.
func parseRetryAfter(h http.Header) time.Duration {
	s, err := strconv.ParseInt(strings.TrimSpace(h.Get("Retry-After")), 10, 64)
	if err != nil || s <= 0 {
		return 0
	}
	return time.Duration(min(s, maxRetryAfterSeconds)) * time.Second
}

// retryState is what the failed attempts of one call have shown.
type retryState struct {
	start     uint64   // the endpoint the call started on
	tried     []string // the endpoints whose attempt failed
	attempts  int
	last      *attemptFailure
	maybeDone bool // some attempt may have taken effect
}

func (r *retryState) record(f *attemptFailure, base string) {
	r.attempts++
	r.tried = append(r.tried, base)
	r.last = f
	r.maybeDone = r.maybeDone || f.maybeDone
}

// indeterminate reports whether the call is a write that may have applied.
func (r *retryState) indeterminate(a *apiCall) bool { return a.write && r.maybeDone }

// exhausted is the error of a call whose every attempt failed: it matches
// ErrIndeterminate for a write that may have applied, ErrUnavailable
// otherwise.
func (r *retryState) exhausted(a *apiCall) error {
	if r.indeterminate(a) {
		return fmt.Errorf("kv: %s: %w: the write may or may not have applied; gave up after %d attempts: %w",
			a.target(), ErrIndeterminate, r.attempts, r.lastError(ErrIndeterminate))
	}
	return fmt.Errorf("kv: %s: %w: gave up after %d attempts: %w",
		a.target(), ErrUnavailable, r.attempts, r.lastError(ErrUnavailable))
}

// interrupted is the error of a call whose context ended between or during
// attempts: it wraps the context's error and the last attempt's, and
// matches ErrIndeterminate for a write that may have applied.
func (r *retryState) interrupted(a *apiCall, ctxErr error) error {
	if r.indeterminate(a) {
		return fmt.Errorf("kv: %s: %w after %d attempts; %w: the write may or may not have applied: %w",
			a.target(), ctxErr, r.attempts, ErrIndeterminate, r.lastError(ErrIndeterminate))
	}
	return fmt.Errorf("kv: %s: %w after %d attempts: %w", a.target(), ctxErr, r.attempts, r.last.err)
}

// lastError is the last attempt's error, to be wrapped in an error matching
// outcome. Where it would also match the opposite outcome (an unavailable
// answer after an attempt that may have applied), only its text is kept, so
// that the call's error never matches both ErrUnavailable and
// ErrIndeterminate.
func (r *retryState) lastError(outcome error) error {
	opposite := ErrUnavailable
	if outcome == ErrUnavailable {
		opposite = ErrIndeterminate
	}
	if errors.Is(r.last.err, opposite) {
		return errors.New(r.last.err.Error())
	}
	return r.last.err
}
