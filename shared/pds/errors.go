package pds

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/ferry-upload/ferry/shared/s3xml"
)

// Error is an error answer from PDS (or from the OSS data plane): its HTTP status and the
// service's stable code.
type Error struct {
	Status     int
	Code       string
	Message    string
	RequestID  string
	RetryAfter time.Duration // from a Retry-After header, when present
}

func (e *Error) Error() string {
	s := "pds: " + e.Code + " (HTTP " + strconv.Itoa(e.Status) + ")"
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// NetworkError reports a request that got no response. Op names the call, never its URL.
type NetworkError struct {
	Op  string
	Err error
}

func (e *NetworkError) Error() string { return "pds: " + e.Op + ": network error: " + e.Err.Error() }
func (e *NetworkError) Unwrap() error { return e.Err }

// Code returns the PDS error code of err, or "" when err is not a PDS error answer.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Status returns the HTTP status of a PDS error answer, or 0.
func Status(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// Stable codes Ferry acts upon (provider-apis.md §2.4).
const (
	CodeAccessTokenInvalid = "AccessTokenInvalid"
	CodeTokenExpired       = "TokenExpired"
	CodeInvalidParameter   = "InvalidParameter"
	CodeNotFoundFile       = "NotFound.File"
	CodeNotFoundUploadID   = "NotFound.UploadId"
	CodeAlreadyExistFile   = "AlreadyExist.File"
	CodePreHashMatched     = "PreHashMatched"
	CodePartNotSequential  = "PartNotSequential"
	CodeAccessDenied       = "AccessDenied" // OSS data plane: an expired or refused part URL
	// CodeUnexpectedResponse is a 2xx answer that is not the JSON the call expects.
	CodeUnexpectedResponse = "UnexpectedResponse"
	// CodeInvalidArgument is a request the client refuses to send.
	CodeInvalidArgument = "InvalidArgument"
)

// TokenInvalid reports whether err says the access token is no longer good: the caller
// gets a new one and tries once more.
func TokenInvalid(err error) bool {
	switch Code(err) {
	case CodeAccessTokenInvalid, CodeTokenExpired:
		return true
	}
	return false
}

// errorFromResponse builds an *Error from a non-2xx answer: PDS's JSON {code,message} (or
// the SDK-shaped {Code,Message}), a gateway's x-ca-error-code header, or OSS's XML.
func errorFromResponse(status int, header func(string) string, body []byte) *Error {
	e := &Error{Status: status, RequestID: header("x-ca-request-id")}
	if ra := header("retry-after"); ra != "" {
		if s, err := strconv.Atoi(strings.TrimSpace(ra)); err == nil && s >= 0 {
			e.RetryAfter = time.Duration(s) * time.Second
		}
	}
	var j struct {
		Code, Message string
	}
	xmlCode, xmlMessage, xmlRID, xmlOK := s3xml.Error(body)
	switch {
	case json.Unmarshal(body, &j) == nil && j.Code != "":
		e.Code, e.Message = j.Code, j.Message
	case xmlOK:
		e.Code, e.Message = xmlCode, xmlMessage
		if e.RequestID == "" {
			e.RequestID = xmlRID
		}
	case header("x-ca-error-code") != "":
		e.Code, e.Message = header("x-ca-error-code"), header("x-ca-error-message")
	default:
		e.Code = "HTTP" + strconv.Itoa(status)
	}
	return e
}
