package provider

import (
	"errors"
	"fmt"
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
	// 400: the bytes the provider holds do not have the checksum the upload was completed
	// with (a part's CRC-64, the file's CRC-64 or SHA-1): the browser checks its parts
	// against the file and sends again those that differ, or begins afresh.
	CodeChecksumMismatch = "ChecksumMismatch"
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

// UploadGone is the error of an upload the service no longer has (completed, canceled
// or expired).
func UploadGone() *Error {
	return &Error{Code: CodeUploadNotFound, Status: 404, Message: "the provider no longer has this upload (completed, canceled or expired)"}
}

// CodeUnexpected is the provider code of an answer the service should not have given.
const CodeUnexpected = "UnexpectedResponse"

// Invalid is the caller's mistake in a request (400 InvalidRequest).
func Invalid(format string, args ...any) *Error {
	return &Error{Code: CodeInvalidRequest, Status: 400, Message: fmt.Sprintf(format, args...)}
}

// Upstream is a failure of the service (502 UpstreamError) while doing op, with the
// service's code beside (providerCode, "" when it gave none). detail is safe to show.
func Upstream(op, providerCode, detail string, cause error) *Error {
	return &Error{Code: CodeUpstreamError, Status: 502, Message: op + ": " + detail, ProviderCode: providerCode, Cause: cause}
}
