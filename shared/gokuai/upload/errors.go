package upload

import (
	"errors"
	"strconv"

	"github.com/ferry-upload/ferry/shared/gokuai/wire"
	"github.com/ferry-upload/ferry/shared/jsonx"
)

// Error is an error answer of the upload server: a stable Code to act upon (the strings
// of shared/gokuai's codes), the HTTP status, the service's error_code and error_msg.
type Error struct {
	Code        string
	Status      int   // 0 for a request the client refused to send
	ServiceCode int64 // the answer's error_code; 0 when it had none
	Message     string
}

func (e *Error) Error() string {
	s := "gokuai upload: " + e.Code
	if e.Status != 0 {
		s += " (HTTP " + strconv.Itoa(e.Status)
		if e.ServiceCode != 0 {
			s += ", error_code " + strconv.FormatInt(e.ServiceCode, 10)
		}
		s += ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// NetworkError reports a call that got no answer. Op names the call, never its URL.
type NetworkError struct {
	Op  string
	Err error
}

func (e *NetworkError) Error() string {
	return "gokuai upload: " + e.Op + ": network error: " + e.Err.Error()
}
func (e *NetworkError) Unwrap() error { return e.Err }

// OffsetError is a 409 of the upload server: the bytes do not start where it expects.
type OffsetError struct {
	Op     string
	Expect int64
}

func (e *OffsetError) Error() string {
	return "gokuai upload: " + e.Op + ": the server expects offset " + strconv.FormatInt(e.Expect, 10)
}

// ExpectedOffset returns the offset a 409 named.
func ExpectedOffset(err error) (int64, bool) {
	var oe *OffsetError
	if errors.As(err, &oe) {
		return oe.Expect, true
	}
	return 0, false
}

// Code returns the stable code of err, or "" when err is not an *Error.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Stable codes, the same strings as shared/gokuai's constants of the same names.
const (
	CodeInvalidArgument    = "InvalidArgument" // the client refused to send the request
	CodeUnexpectedResponse = "UnexpectedResponse"
	CodeInvalidParameter   = "InvalidParameter"
	CodeInvalidClient      = "InvalidClient"
	CodeSessionInvalid     = "UploadSessionInvalid"
	CodeUploadNotFound     = "UploadNotFound"
	CodeChecksumMismatch   = "ChecksumMismatch"
	CodeFileHashMismatch   = "FileHashMismatch"
	CodeFileExists         = "FileExists"
	CodeCapacityExceeded   = "CapacityExceeded"
	CodeLibraryNotFound    = "LibraryNotFound"
	CodeRouteNotFound      = "RouteNotFound"
	CodeMethodNotAllowed   = "MethodNotAllowed"
	CodeBadRequest         = "BadRequest"
	CodeUnauthorized       = "Unauthorized"
	CodeForbidden          = "Forbidden"
	CodeNotFound           = "NotFound"
	CodeConflict           = "Conflict"
	CodeServerError        = "ServerError"
	CodeUnavailable        = "ServiceUnavailable"
	CodeHTTPError          = "HTTPError"
)

// ServiceCodes maps the error_code values the upload server answers (as shared/gokuaiemu
// does, and shared/gokuai.ServiceCodes maps them) to stable codes; others map by status.
var ServiceCodes = map[int64]string{
	40001: CodeInvalidParameter,
	40002: CodeChecksumMismatch,
	40003: CodeFileHashMismatch,
	40103: CodeInvalidClient,
	40104: CodeSessionInvalid,
	40303: CodeCapacityExceeded,
	40402: CodeLibraryNotFound,
	40407: CodeUploadNotFound,
	40400: CodeRouteNotFound,
	40500: CodeMethodNotAllowed,
	40901: CodeFileExists,
	50000: CodeServerError,
	50300: CodeUnavailable,
}

func classCode(status int) string {
	switch {
	case status == 401:
		return CodeUnauthorized
	case status == 403:
		return CodeForbidden
	case status == 404:
		return CodeNotFound
	case status == 409:
		return CodeConflict
	case status == 503:
		return CodeUnavailable
	case status >= 500:
		return CodeServerError
	case status >= 400:
		return CodeBadRequest
	}
	return CodeHTTPError
}

// AnswerError is the error an upload-server answer stands for, nil for a 200 or 202 that
// is not an error body: a 409 naming an offset is an *OffsetError, the rest *Error.
func AnswerError(op string, resp *wire.Response) error {
	if resp.StatusCode == 409 {
		if n, ok := ParseExpect(resp.Body); ok {
			return &OffsetError{Op: op, Expect: n}
		}
	}
	code, msg, isErr := parseErrorBody(resp.Body)
	ok := resp.StatusCode == 200 || resp.StatusCode == 202
	if ok && (!isErr || code == 0) {
		return nil
	}
	e := &Error{Status: resp.StatusCode, ServiceCode: code, Message: msg}
	if c, known := ServiceCodes[code]; known && isErr {
		e.Code = c
	} else if ok {
		e.Code = CodeBadRequest // an error body in a 2xx answer: its class is unknown
	} else {
		e.Code = classCode(resp.StatusCode)
	}
	if !isErr {
		e.Message = op + ": HTTP " + strconv.Itoa(resp.StatusCode)
	}
	return e
}

// parseErrorBody reads {"error_code":int,"error_msg":text}, either member a number or a
// string; isErr is false when b is not such a body.
func parseErrorBody(b []byte) (code int64, msg string, isErr bool) {
	v, err := jsonx.Parse(b)
	if err != nil || v.Kind() != jsonx.Object {
		return 0, "", false
	}
	code, ok := intOf(v.Get("error_code"))
	if !ok {
		return 0, "", false
	}
	return code, textOf(v.Get("error_msg")), true
}

func invalid(msg string) error { return &Error{Code: CodeInvalidArgument, Message: msg} }

func unexpected(msg string) error {
	return &Error{Code: CodeUnexpectedResponse, Status: 200, Message: msg}
}
