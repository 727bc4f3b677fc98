package engine

import (
	"context"
	"errors"
	"strconv"

	"github.com/ferry-upload/ferry/shared/msgf"
	"github.com/ferry-upload/ferry/shared/smh"
)

// Error is what a failed task reports: a stable code (the server's own codes pass through:
// SameNameDirectoryOrFileExists, NoPermission, PolicyViolation…) and a message for people.
type Error struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Status    int    `json:"status,omitempty"`    // HTTP status when the server answered
	RequestID string `json:"requestId,omitempty"` // the server's request id, for support
	// ProviderCode is the provider's own code beside a neutral one (the token function's
	// answers), for support and logs; act on Code.
	ProviderCode string `json:"providerCode,omitempty"`
	Err          error  `json:"-"` // the underlying error, when any
}

// The engine's own codes. Codes from the server (SMH, the token function) pass through.
const (
	CodeFileChanged      = "FileChanged"      // a resumed file differs in name, size or last-modified
	CodeBusy             = "Busy"             // another tab owns this upload's checkpoint
	CodeCanceled         = "Canceled"         // the task was canceled
	CodePolicyViolation  = "PolicyViolation"  // the token's limits refuse the file
	CodeNetworkError     = "NetworkError"     // no answer after every retry
	CodeReadError        = "ReadError"        // the file could not be read
	CodeChecksumMismatch = "ChecksumMismatch" // the data plane's CRC-64 never matched ours
	CodeOutOfSync        = "OutOfSync"        // the data plane kept taking other bytes than the parts sent
	CodeStalled          = "Stalled"          // a part made no progress, after every retry
	CodeInvalidState     = "InvalidState"     // the operation does not apply in the task's state
	CodeInvalidOptions   = "InvalidOptions"   // bad options or arguments
	CodeNotFound         = "NotFound"         // no such task or restorable entry
	CodeInternal         = "Internal"         // a bug
)

func (e *Error) Error() string {
	if e.Message == "" {
		return "ferry: " + e.Code
	}
	return "ferry: " + e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same code.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code
}

func newError(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: msgf.Sprintf(format, args...)}
}

// Sentinels for errors.Is.
var (
	ErrFileChanged = &Error{Code: CodeFileChanged}
	ErrBusy        = &Error{Code: CodeBusy}
	ErrCanceled    = &Error{Code: CodeCanceled}
	ErrNotFound    = &Error{Code: CodeNotFound}
)

// Code returns the stable code of any error the engine returns ("" for nil).
func Code(err error) string {
	if err == nil {
		return ""
	}
	return AsError(err).Code
}

// AsError renders any error as an *Error. It is the one place errors get their codes:
// the server's code and message pass through, transport failures become NetworkError,
// a context's end becomes Canceled, anything untyped becomes Internal.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var se *smh.Error
	if errors.As(err, &se) {
		return &Error{Code: se.Code, Message: se.Message, Status: se.Status, RequestID: se.RequestID, Err: err}
	}
	var sv *ServerError
	if errors.As(err, &sv) {
		msg := sv.Message
		if msg == "" {
			msg = sv.Error()
		}
		return &Error{Code: sv.Code, Message: msg, Status: sv.Status, RequestID: sv.RequestID, ProviderCode: sv.ProviderCode, Err: err}
	}
	var he *heldError
	if errors.As(err, &he) {
		return &Error{Code: CodeOutOfSync, Message: he.Error() + ", again and again", Err: err}
	}
	var ne *smh.NetworkError
	if errors.As(err, &ne) || errors.Is(err, errNetwork) {
		return &Error{Code: CodeNetworkError, Message: err.Error(), Err: err}
	}
	if errors.Is(err, errStalled) {
		return &Error{Code: CodeStalled, Message: "no progress for too long", Err: err}
	}
	var ce *checksumError
	if errors.As(err, &ce) {
		return &Error{Code: CodeChecksumMismatch, Message: ce.Error(), Err: err}
	}
	var re *readError
	if errors.As(err, &re) {
		return &Error{Code: CodeReadError, Message: "reading the file: " + re.Err.Error(), Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: CodeCanceled, Message: err.Error(), Err: err}
	}
	return &Error{Code: CodeInternal, Message: err.Error(), Err: err}
}

// errNetwork marks a transport failure of a part (no answer).
var errNetwork = errors.New("network error")

// partNetworkError is a part's transport failure; it is errNetwork for errors.Is (the cause
// is only quoted, as the data plane's transport errors carry nothing to act on).
type partNetworkError struct {
	part int
	err  error
}

func (e *partNetworkError) Error() string {
	return "network error: part " + strconv.Itoa(e.part) + ": " + e.err.Error()
}

func (e *partNetworkError) Unwrap() error { return errNetwork }

// errStalled is the cause of a part attempt the watchdog aborted.
var errStalled = errors.New("part stalled: no progress")

// readError wraps a failure to read the source (NotReadableError in a browser): retried
// like a network error.
type readError struct{ Err error }

func (e *readError) Error() string { return "reading the file: " + e.Err.Error() }
func (e *readError) Unwrap() error { return e.Err }

// checksumError reports a part whose data-plane CRC-64 differs from ours: retried, after
// reading the part again.
type checksumError struct {
	Part        int
	Local, Peer uint64
}

func (e *checksumError) Error() string {
	return msgf.Sprintf("part %d: data plane CRC-64 %d, ours %d", e.Part, e.Peer, e.Local)
}
