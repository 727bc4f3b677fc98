package gokuai

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Error is an error answer of the Gokuai API: a stable Code to act upon, the HTTP status,
// and the service's own error_code and error_msg beside them (for logs and support).
type Error struct {
	Code        string // one of the Code* constants
	Status      int    // HTTP status; 0 for a request the client refused to send
	ServiceCode int64  // the answer's error_code; 0 when it had none
	Message     string // the answer's error_msg, or the client's reason
}

func (e *Error) Error() string {
	s := "gokuai: " + e.Code
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d", e.Status)
		if e.ServiceCode != 0 {
			s += fmt.Sprintf(", error_code %d", e.ServiceCode)
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

func (e *NetworkError) Error() string { return "gokuai: " + e.Op + ": network error: " + e.Err.Error() }
func (e *NetworkError) Unwrap() error { return e.Err }

// Code returns the stable code of err, or "" when err is not a Gokuai *Error.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Stable codes. The service's numeric codes are mapped to these (ServiceCodes); an
// unknown numeric code maps by its HTTP class (CodeBadRequest … CodeServerError).
const (
	CodeInvalidArgument    = "InvalidArgument"    // the client refused to send the request
	CodeUnexpectedResponse = "UnexpectedResponse" // a 2xx answer the client cannot read

	CodeInvalidParameter  = "InvalidParameter"  // a parameter is missing or malformed
	CodeInvalidSign       = "InvalidSign"       // the sign does not match
	CodeDatelineExpired   = "DatelineExpired"   // dateline outside the service's window
	CodeInvalidClient     = "InvalidClient"     // unknown (or unbound) client_id / org_client_id
	CodeForbidden         = "Forbidden"         // the credential may not do this, or not to this library
	CodeOwnerNotRemovable = "OwnerNotRemovable" // the owner must be replaced before leaving
	CodeLibraryNotFound   = "LibraryNotFound"
	CodeMemberNotFound    = "MemberNotFound"
	CodeGroupNotFound     = "GroupNotFound"
	CodeRoleNotFound      = "RoleNotFound"
	CodeBindingNotFound   = "BindingNotFound"
	CodeRouteNotFound     = "RouteNotFound"
	CodeMethodNotAllowed  = "MethodNotAllowed"

	// The library file API and the upload server.
	CodeFileNotFound     = "FileNotFound"         // no file or folder at that path (or hash)
	CodeFileExists       = "FileExists"           // overwrite=0 and the path is taken, or a parent is a file
	CodeCapacityExceeded = "CapacityExceeded"     // the library's capacity would be exceeded
	CodeUploadNotFound   = "UploadNotFound"       // upload_init: no create_file announced this pathhash
	CodeSessionInvalid   = "UploadSessionInvalid" // unknown, finished-and-dropped, aborted or expired session
	CodeChecksumMismatch = "ChecksumMismatch"     // a part's x-gk-upload-crc does not match its bytes
	CodeFileHashMismatch = "FileHashMismatch"     // the assembled file's SHA-1 is not the announced filehash

	CodeBadRequest   = "BadRequest"
	CodeUnauthorized = "Unauthorized"
	CodeNotFound     = "NotFound"
	CodeConflict     = "Conflict"
	CodeServerError  = "ServerError"
	CodeUnavailable  = "ServiceUnavailable"
	CodeHTTPError    = "HTTPError"
)

// ServiceCodes maps the service's numeric error_code to stable codes. Only 401041 (sign)
// is attested, by a third-party summary; the others are this project's reading of the
// service's 3-digit-HTTP-prefix convention, shared with shared/gokuaiemu, which answers
// exactly these. The upload server is assumed to answer errors in the same shape.
var ServiceCodes = map[int64]string{
	40001:  CodeInvalidParameter,
	401041: CodeInvalidSign,
	401042: CodeDatelineExpired,
	40103:  CodeInvalidClient,
	40301:  CodeForbidden,
	40302:  CodeOwnerNotRemovable,
	40402:  CodeLibraryNotFound,
	40403:  CodeMemberNotFound,
	40404:  CodeGroupNotFound,
	40405:  CodeRoleNotFound,
	40406:  CodeBindingNotFound,
	40400:  CodeRouteNotFound,
	40500:  CodeMethodNotAllowed,
	40002:  CodeChecksumMismatch,
	40003:  CodeFileHashMismatch,
	40104:  CodeSessionInvalid,
	40303:  CodeCapacityExceeded,
	40401:  CodeFileNotFound,
	40407:  CodeUploadNotFound,
	40901:  CodeFileExists,
	50000:  CodeServerError,
	50300:  CodeUnavailable,
}

// classCode is the stable code of an answer whose error_code is unknown or absent.
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

// errorBody is the service's error shape, {"error_code":int,"error_msg":text}; both may
// arrive as strings.
type errorBody struct {
	ErrorCode *Int `json:"error_code"`
	ErrorMsg  Text `json:"error_msg"`
}

// parseErrorBody reads an error body; ok is false when b is not one.
func parseErrorBody(b []byte) (code int64, msg string, ok bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return 0, "", false
	}
	var eb errorBody
	if json.Unmarshal(b, &eb) != nil || eb.ErrorCode == nil {
		return 0, "", false
	}
	return int64(*eb.ErrorCode), string(eb.ErrorMsg), true
}

// ErrorFromResponse turns an answer into an *Error: any non-2xx answer, and a 2xx answer
// whose body is an error body with a non-zero error_code (some deployments answer errors
// with 200); nil for a success.
func ErrorFromResponse(resp *Response) *Error {
	code, msg, ok := parseErrorBody(resp.Body)
	is2xx := resp.StatusCode >= 200 && resp.StatusCode <= 299
	if is2xx && (!ok || code == 0) {
		return nil
	}
	e := &Error{Status: resp.StatusCode, ServiceCode: code, Message: msg}
	if c, known := ServiceCodes[code]; known && ok {
		e.Code = c
	} else if is2xx {
		e.Code = CodeBadRequest // an error in a 2xx answer: its class is unknown
	} else {
		e.Code = classCode(resp.StatusCode)
	}
	if !ok && !is2xx {
		e.Message = "HTTP " + strconv.Itoa(resp.StatusCode)
	}
	return e
}
