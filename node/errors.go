package node

import (
	"errors"
	"fmt"
)

// Sentinel errors returned by the node package. The root package kv re-exports
// each of them, so errors.Is works across layers. Each maps to one error code of
// the HTTP API (see Code).
var (
	// ErrBadRequest reports input that can never succeed as sent: an empty or
	// oversized key, malformed JSON, an unknown option. Nothing was changed.
	ErrBadRequest = errors.New("bad request")
	// ErrNotFound reports that a key does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict reports a failed compare-and-swap: the key's mod revision was
	// not the one asked for. Nothing was changed.
	ErrConflict = errors.New("conflict")
	// ErrTooLarge reports a key, value or body over its configured limit.
	ErrTooLarge = errors.New("too large")
	// ErrUnavailable reports that the request certainly did not apply (no
	// leader, not the leader, enqueue timeout) and may be retried as is.
	ErrUnavailable = errors.New("unavailable")
	// ErrIndeterminate reports a write whose outcome is unknown: it was
	// proposed, then leadership was lost, the wait timed out or the node shut
	// down. Retry it with the same idempotency key.
	ErrIndeterminate = errors.New("indeterminate")
	// ErrNotLeader reports that this replica is not its partition's leader.
	// It is usually returned wrapped in a *NotLeaderError carrying a hint.
	ErrNotLeader = errors.New("not the partition leader")
	// ErrCrossPartition reports a transaction whose keys span more than one
	// partition; such a transaction is refused as a bad request.
	ErrCrossPartition = errors.New("transaction spans more than one partition")
	// ErrUnauthorized reports a request without valid credentials.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrInternal reports a server fault.
	ErrInternal = errors.New("internal error")
)

// NotLeaderError tells which node leads the partition, when known. It
// matches ErrNotLeader with errors.Is.
type NotLeaderError struct {
	// LeaderID is the node ID of the leader, or empty when none is known.
	LeaderID string
	// Addr is the leader's Raft address, or empty when none is known.
	Addr string
}

// Error describes the error with its leader hint.
func (e *NotLeaderError) Error() string {
	if e.LeaderID == "" {
		return ErrNotLeader.Error() + " (leader unknown)"
	}
	return fmt.Sprintf("%s (leader %s at %s)", ErrNotLeader, e.LeaderID, e.Addr)
}

// Is reports whether target is ErrNotLeader.
func (e *NotLeaderError) Is(target error) bool { return target == ErrNotLeader }

// Error codes of the HTTP API, one per sentinel error.
const (
	CodeBadRequest    = "bad_request"
	CodeUnauthorized  = "unauthorized"
	CodeNotFound      = "not_found"
	CodeConflict      = "conflict"
	CodeTooLarge      = "too_large"
	CodeUnavailable   = "unavailable"
	CodeIndeterminate = "indeterminate"
	CodeInternal      = "internal"
)

var codeErrors = []struct {
	code string
	err  error
}{
	{CodeBadRequest, ErrBadRequest},
	{CodeBadRequest, ErrCrossPartition},
	{CodeUnauthorized, ErrUnauthorized},
	{CodeNotFound, ErrNotFound},
	{CodeConflict, ErrConflict},
	{CodeTooLarge, ErrTooLarge},
	{CodeUnavailable, ErrUnavailable},
	{CodeUnavailable, ErrNotLeader},
	{CodeIndeterminate, ErrIndeterminate},
}

// Code returns the HTTP API error code for err: the code of the first sentinel
// it matches, or "internal".
func Code(err error) string {
	for _, c := range codeErrors {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return CodeInternal
}

// CodeError returns the sentinel error for an HTTP API error code, or
// ErrInternal for an unknown code.
func CodeError(code string) error {
	for _, c := range codeErrors {
		if c.code == code {
			return c.err
		}
	}
	return ErrInternal
}

// Errorf returns an error that wraps sentinel with a formatted message, so
// errors.Is(err, sentinel) holds and the message says what was wrong. A %w
// verb in format wraps its operand too.
func Errorf(sentinel error, format string, args ...any) error {
	return &codedError{sentinel: sentinel, err: fmt.Errorf(format, args...)}
}

type codedError struct {
	sentinel error
	err      error
}

func (e *codedError) Error() string   { return e.err.Error() }
func (e *codedError) Unwrap() []error { return []error{e.sentinel, e.err} }
