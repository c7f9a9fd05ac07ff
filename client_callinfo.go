package kv

import "context"

// CallInfo describes how one client call went: how many requests it sent
// and which endpoint and node gave the final answer. The client fills it in
// for a call whose context carries it (see WithCallInfo).
type CallInfo struct {
	// Attempts is the number of requests sent, the first included. It is 0
	// when the call failed before sending any (bad input, context done).
	Attempts int
	// Endpoint is the base URL that gave the final answer (or the last
	// endpoint tried, when no answer came).
	Endpoint string
	// Node is the ID of the node that served the final answer, from its
	// X-Kv-Node header; empty when the answer did not name one.
	Node string
	// Retries is Attempts-1: the requests sent after the first (0 if none).
	Retries int
}

// callInfoKey is the context key of a *CallInfo.
type callInfoKey struct{}

// WithCallInfo returns a context that makes the client fill *info during a
// call made with it, as net/http/httptrace does for HTTP requests. The
// client writes *info only while the call runs, so read it after the call
// returns. A call made with a context that carries no CallInfo reports
// nothing. One CallInfo is meant for one call at a time: calls made
// concurrently with the same context race on it.
func WithCallInfo(ctx context.Context, info *CallInfo) context.Context {
	return context.WithValue(ctx, callInfoKey{}, info)
}

// callInfoFrom returns the *CallInfo ctx carries, or nil.
func callInfoFrom(ctx context.Context) *CallInfo {
	info, _ := ctx.Value(callInfoKey{}).(*CallInfo)
	return info
}

// recordAttempt notes attempt number n (from 1) to endpoint, answered by
// node, in info, if any.
func (info *CallInfo) recordAttempt(n int, endpoint, node string) {
	if info == nil {
		return
	}
	info.Attempts = n
	info.Retries = max(n-1, 0)
	info.Endpoint = endpoint
	info.Node = node
}
