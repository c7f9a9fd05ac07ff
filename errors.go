package kv

import (
	"fmt"

	"github.com/treekv/kv/node"
)

// Sentinel errors of treekv. They are the node package's sentinels, so
// errors.Is matches them whether an error came from a node in this process,
// from a server answer decoded by Client, or from the client itself.
var (
	// ErrBadRequest reports input that can never succeed as sent (an empty or
	// oversized key, a malformed transaction). Nothing was changed.
	ErrBadRequest = node.ErrBadRequest
	// ErrNotFound reports that a key does not exist.
	ErrNotFound = node.ErrNotFound
	// ErrConflict reports a failed compare-and-swap: the key's mod revision
	// was not the one asked for. Nothing was changed. Client returns it as a
	// *ConflictError carrying the key's current revision.
	ErrConflict = node.ErrConflict
	// ErrTooLarge reports a key, value, body or answer over its limit.
	ErrTooLarge = node.ErrTooLarge
	// ErrUnavailable reports that a request certainly did not apply (no
	// leader, no reachable node) and may be retried as is.
	ErrUnavailable = node.ErrUnavailable
	// ErrIndeterminate reports a write whose outcome is unknown: it may or
	// may not have applied. Client has already retried it under one
	// idempotency key, so it applied at most once; a new call is a new
	// write, so read the key to learn the outcome before repeating it.
	ErrIndeterminate = node.ErrIndeterminate
	// ErrNotLeader reports that a replica is not its partition's leader. It
	// is usually wrapped in a *NotLeaderError carrying a hint.
	ErrNotLeader = node.ErrNotLeader
	// ErrCrossPartition reports a transaction whose keys span more than one
	// partition; such a transaction is refused. Over HTTP it travels as a
	// bad_request, so Client reports it as ErrBadRequest.
	ErrCrossPartition = node.ErrCrossPartition
	// ErrUnauthorized reports a request without valid credentials.
	ErrUnauthorized = node.ErrUnauthorized
	// ErrInternal reports a server fault, or an answer the client could not
	// understand.
	ErrInternal = node.ErrInternal
)

// NotLeaderError tells which node leads a partition, when known. It matches
// ErrNotLeader with errors.Is.
type NotLeaderError = node.NotLeaderError

// Error is an error answer from a server. It unwraps to the sentinel of its
// code, so errors.Is(err, ErrNotFound) holds for a not_found answer.
type Error struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Code is the API error code, such as "not_found" or "unavailable".
	Code string
	// Message is the server's description of what went wrong.
	Message string
}

// Error describes the answer by code, status and message.
func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("kv: %s (HTTP %d)", e.Code, e.StatusCode)
	}
	return fmt.Sprintf("kv: %s (HTTP %d): %s", e.Code, e.StatusCode, e.Message)
}

// Unwrap returns the sentinel error of the answer's code (ErrInternal for a
// code this client does not know).
func (e *Error) Unwrap() error { return node.CodeError(e.Code) }

// ConflictError is a failed compare-and-swap. It matches ErrConflict with
// errors.Is and carries the key's current mod revision.
type ConflictError struct {
	// Key is the key whose revision differed from the one asked for.
	Key string
	// Revision is the key's current mod revision; 0 means the key is absent.
	Revision uint64
}

// Error names the key and its current revision.
func (e *ConflictError) Error() string {
	if e.Revision == 0 {
		return fmt.Sprintf("kv: conflict on key %q: the key is absent", e.Key)
	}
	return fmt.Sprintf("kv: conflict on key %q: its revision is %d", e.Key, e.Revision)
}

// Unwrap returns ErrConflict.
func (e *ConflictError) Unwrap() error { return ErrConflict }
