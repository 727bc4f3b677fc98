package function

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes of interfaces.md §3. Clients act on these, never on messages.
const (
	CodeInvalidRequest   = "InvalidRequest"   // 400; 413 body too large; 415 wrong content type
	CodeUnauthenticated  = "Unauthenticated"  // 401
	CodeForbidden        = "Forbidden"        // 403
	CodeOriginNotAllowed = "OriginNotAllowed" // 403
	CodePolicyViolation  = "PolicyViolation"  // 403
	CodeRateLimited      = "RateLimited"      // 429
	CodeUpstreamError    = "UpstreamError"    // 502
	CodeInternal         = "Internal"         // 500
	// Brokered uploads (interfaces.md §5.2).
	CodeHashNeeded     = "HashNeeded"     // 409: begin again with the hashes named in need
	CodeUploadNotFound = "UploadNotFound" // 404: the provider no longer has the upload
	// Provider refusals in words every provider shares; the provider's code goes beside.
	CodeAlreadyExists  = "AlreadyExists"  // 409: a file or folder of that name exists (conflict fail)
	CodeQuotaExceeded  = "QuotaExceeded"  // 403: the library's or space's quota is used up
	CodeInvalidPath    = "InvalidPath"    // 400: the service refuses the name or depth of the path
	CodeTypeNotAllowed = "TypeNotAllowed" // 400: the service refuses the file's type
)

// Error is the function's one error type: a stable code, the HTTP status it is answered
// with, and a message safe to show the caller (it never holds a secret, a token or an
// upstream URL). Cause, when set, is logged but never answered.
type Error struct {
	Code    string
	Status  int
	Message string
	Cause   error
	// Header holds extra answer headers (Retry-After, Allow).
	Header map[string]string
	// Need lists the hashes a HashNeeded answer asks for.
	Need []string
	// ProviderCode is the provider's own code of an upstream refusal, answered beside Code.
	ProviderCode string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }
func (e *Error) Unwrap() error { return e.Cause }

// Is reports whether target is an *Error with the same code.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code
}

func newError(code string, status int, format string, args ...any) *Error {
	return &Error{Code: code, Status: status, Message: fmt.Sprintf(format, args...)}
}

func errInvalid(format string, args ...any) *Error {
	return newError(CodeInvalidRequest, http.StatusBadRequest, format, args...)
}

func errUnauthenticated(format string, args ...any) *Error {
	return newError(CodeUnauthenticated, http.StatusUnauthorized, format, args...)
}

func errForbidden(format string, args ...any) *Error {
	return newError(CodeForbidden, http.StatusForbidden, format, args...)
}

func errPolicy(format string, args ...any) *Error {
	return newError(CodePolicyViolation, http.StatusForbidden, format, args...)
}

func errUploadGone() *Error {
	return newError(CodeUploadNotFound, http.StatusNotFound, "the provider no longer has this upload (completed, canceled or expired)")
}

// Sentinels for errors.Is.
var (
	ErrInvalidRequest   = &Error{Code: CodeInvalidRequest, Status: http.StatusBadRequest}
	ErrUnauthenticated  = &Error{Code: CodeUnauthenticated, Status: http.StatusUnauthorized}
	ErrForbidden        = &Error{Code: CodeForbidden, Status: http.StatusForbidden}
	ErrOriginNotAllowed = &Error{Code: CodeOriginNotAllowed, Status: http.StatusForbidden}
	ErrPolicyViolation  = &Error{Code: CodePolicyViolation, Status: http.StatusForbidden}
	ErrRateLimited      = &Error{Code: CodeRateLimited, Status: http.StatusTooManyRequests}
	ErrUpstream         = &Error{Code: CodeUpstreamError, Status: http.StatusBadGateway}
	ErrInternal         = &Error{Code: CodeInternal, Status: http.StatusInternalServerError}
)

// errorBody is the JSON of every error answer.
type errorBody struct {
	Code      string   `json:"code"`
	Message   string   `json:"message"`
	RequestID string   `json:"requestId"`
	Need      []string `json:"need,omitempty"`
	// ProviderCode is the provider's own code beside the neutral one (e.g. SMH's
	// SameNameDirectoryOrFileExists beside AlreadyExists).
	ProviderCode string `json:"providerCode,omitempty"`
}

// asError turns any error into the *Error to answer. Untyped errors become Internal with
// a generic message (the detail goes to the log only).
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var hn *HashNeeded
	if errors.As(err, &hn) {
		return &Error{Code: CodeHashNeeded, Status: http.StatusConflict, Message: "send the upload again with the hashes named in need", Need: hn.Need}
	}
	return &Error{Code: CodeInternal, Status: http.StatusInternalServerError, Message: "internal error", Cause: err}
}

// writeError is the one renderer of error answers.
func writeError(w http.ResponseWriter, requestID string, err error) {
	e := asError(err)
	for k, v := range e.Header {
		w.Header().Set(k, v)
	}
	writeJSON(w, e.Status, errorBody{Code: e.Code, Message: e.Message, RequestID: requestID, Need: e.Need, ProviderCode: e.ProviderCode})
}
