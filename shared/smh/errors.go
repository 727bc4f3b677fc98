package smh

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/s3xml"
)

// Error is an error answer from SMH: its HTTP status and the service's stable code.
type Error struct {
	Status     int
	Code       string
	Message    string
	RequestID  string
	RetryAfter time.Duration // from a Retry-After header, when present
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "smh: " + e.Code + " (HTTP " + strconv.Itoa(e.Status) + ")"
	}
	return "smh: " + e.Code + " (HTTP " + strconv.Itoa(e.Status) + "): " + e.Message
}

// NetworkError reports a request that got no response. Op names the call, never its URL.
type NetworkError struct {
	Op  string
	Err error
}

func (e *NetworkError) Error() string { return "smh: " + e.Op + ": network error: " + e.Err.Error() }
func (e *NetworkError) Unwrap() error { return e.Err }

// Code returns the SMH error code of err, or "" when err is not an SMH error answer.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Status returns the HTTP status of an SMH error answer, or 0.
func Status(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// Stable codes Ferry acts upon.
const (
	CodeInvalidAccessToken    = "InvalidAccessToken"
	CodeNoPermission          = "NoPermission"
	CodeDirectoryNotFound     = "DirectoryNotFound"
	CodeSameNameExists        = "SameNameDirectoryOrFileExists"
	CodeUploadNotFound        = "UploadNotFound"
	CodeBadCrc64              = "BadCrc64"
	CodeAccessTokenNotMatch   = "AccessTokenNotMatchSpace"
	CodeAccessDenied          = "AccessDenied" // data plane (COS XML)
	CodeRequestExpiredMessage = "Request has expired"
	codeHTTPPrefix            = "HTTP"
)

// errorFromResponse builds an *Error from a non-2xx answer: JSON {code,message,requestId}
// from the control plane, XML <Error><Code>… from the data plane, or just the status.
func errorFromResponse(resp *Response) *Error {
	e := &Error{Status: resp.StatusCode, RequestID: resp.Header["x-request-id"]}
	if ra := resp.Header["retry-after"]; ra != "" {
		if s, err := strconv.Atoi(strings.TrimSpace(ra)); err == nil && s >= 0 {
			e.RetryAfter = time.Duration(s) * time.Second
		}
	}
	var body errorBody
	if jsonx.Decode(resp.Body, &body) == nil && body.Code != "" {
		e.Code, e.Message = body.Code, body.Message
		if body.RequestID != "" {
			e.RequestID = body.RequestID
		}
		return e
	}
	if code, msg, rid, ok := s3xml.Error(resp.Body); ok {
		e.Code, e.Message = code, msg
		if rid != "" {
			e.RequestID = rid
		}
		return e
	}
	e.Code = codeHTTPPrefix + strconv.Itoa(resp.StatusCode)
	return e
}

// ParseDataPlaneError turns a data-plane (COS) answer into an *Error; nil for 2xx.
func ParseDataPlaneError(resp *Response) *Error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	return errorFromResponse(resp)
}

// IsUploadExpired reports a data-plane refusal because the signed headers expired:
// renew the task and retry the part.
func IsUploadExpired(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == 403 && e.Code == CodeAccessDenied &&
		strings.Contains(e.Message, CodeRequestExpiredMessage)
}

// DeadToken reports an answer that says the access token is no longer valid: the code
// InvalidAccessToken, or a 401/403 whose body carried no code at all (a HEAD's answer has
// no body, so its refusal of a dead token cannot say why). A coded refusal such as
// NoPermission is not a dead token.
func DeadToken(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	if e.Code == CodeInvalidAccessToken {
		return true
	}
	return (e.Status == 401 || e.Status == 403) && e.Code == codeHTTPPrefix+strconv.Itoa(e.Status)
}
