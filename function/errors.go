package function

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/ferry-upload/ferry/function/provider"
)

// Error codes of interfaces.md §3 and §5.2 (declared in package provider, beside the
// error type that carries them).
const (
	CodeInvalidRequest   = provider.CodeInvalidRequest
	CodeUnauthenticated  = provider.CodeUnauthenticated
	CodeForbidden        = provider.CodeForbidden
	CodeOriginNotAllowed = provider.CodeOriginNotAllowed
	CodePolicyViolation  = provider.CodePolicyViolation
	CodeRateLimited      = provider.CodeRateLimited
	CodeUpstreamError    = provider.CodeUpstreamError
	CodeInternal         = provider.CodeInternal
	CodeHashNeeded       = provider.CodeHashNeeded
	CodeUploadNotFound   = provider.CodeUploadNotFound
	CodeAlreadyExists    = provider.CodeAlreadyExists
	CodeQuotaExceeded    = provider.CodeQuotaExceeded
	CodeInvalidPath      = provider.CodeInvalidPath
	CodeTypeNotAllowed   = provider.CodeTypeNotAllowed
)

// Error is the function's one error type (package provider declares it, so providers
// answer with it too).
type Error = provider.Error

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
