package smhemu

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Error is an error answer of the emulated service: the HTTP status and the stable code
// clients act upon. Errors compare equal (errors.Is) when their codes are equal.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("smhemu: %s (HTTP %d): %s", e.Code, e.Status, e.Message)
}

// Is reports whether target is an *Error with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// with returns a copy of e with a more specific message.
func (e *Error) with(format string, args ...any) *Error {
	c := *e
	c.Message = fmt.Sprintf(format, args...)
	return &c
}

func newError(status int, code, message string) *Error {
	return &Error{Status: status, Code: code, Message: message}
}

// Control-plane (SMH API) errors, after the service's status ↔ code table. Codes marked
// "emulator" are the emulator's choice where the reference names none.
var (
	ErrEmptyLibraryIDOrSecret   = newError(400, "EmptyLibraryIdOrSecret", "library_id and library_secret are required")
	ErrEmptyLibraryID           = newError(400, "EmptyLibraryId", "library_id is required")
	ErrEmptyLibrarySecret       = newError(400, "EmptyLibrarySecret", "library_secret is required")
	ErrNotMultiSpaceLibrary     = newError(400, "NotMultiSpaceLibrary", "the library is single-tenant; its only space is \"-\"")
	ErrEmptyAccessToken         = newError(400, "EmptyAccessToken", "access_token is required")
	ErrEmptyPath                = newError(400, "EmptyPath", "a path is required")
	ErrDirectoryNameLength      = newError(400, "DirectoryNameLengthExceed", "a directory name is longer than 255 characters")
	ErrDirectoryNotAllowed      = newError(400, "DirectoryNotAllowed", "this media library space holds no directories")
	ErrDirectoryLevelExceed     = newError(400, "DirectoryLevelExceed", "a media library holds one directory (album) level")
	ErrEmptyFileName            = newError(400, "EmptyFileName", "the file name is empty")
	ErrFileNameLength           = newError(400, "FileNameLengthExceed", "the file name is longer than 255 characters")
	ErrExtnameNotAllowed        = newError(400, "ExtnameNotAllowed", "a media library takes image and video files only")
	ErrUploadToRootNotAllowed   = newError(400, "UploadToRootDirectoryNotAllowed", "multi-album mode: upload into an album, not the root")
	ErrBadCrc64                 = newError(400, "BadCrc64", "the crc64 does not match the received bytes")
	ErrInvalidConflictStrategy  = newError(400, "InvalidConflictResolutionStrategy", "conflict_resolution_strategy must be ask, rename or overwrite")
	ErrPartTooSmall             = newError(400, "MultipartUploadPartTooSmall", "every part but the last must be at least 1 MiB")
	ErrNotMultipartUpload       = newError(400, "NotMultipartUpload", "the upload task is not a multipart upload")
	ErrInvalidGrant             = newError(400, "InvalidGrant", "unknown grant")                       // emulator
	ErrEmptySpaceID             = newError(400, "EmptySpaceId", "space_id is required for this grant") // emulator
	ErrInvalidPath              = newError(400, "InvalidPath", "the path is not valid")                // emulator
	ErrInvalidParameter         = newError(400, "InvalidParameter", "a parameter is not valid")        // emulator
	ErrInvalidAccessToken       = newError(403, "InvalidAccessToken", "the access token is invalid or expired")
	ErrAccessTokenNotMatchSpace = newError(403, "AccessTokenNotMatchSpace", "the access token is not valid for this space")
	ErrNoPermission             = newError(403, "NoPermission", "the access token lacks the grant for this operation")
	ErrQuotaLimitReached        = newError(403, "LibraryQuotaLimitReached", "the library quota would be exceeded") // status: emulator
	ErrLibraryNotFound          = newError(404, "LibraryNotFound", "no such library")
	ErrSpaceNotFound            = newError(404, "SpaceNotFound", "no such space")
	ErrWrongLibraryIDOrSecret   = newError(404, "WrongLibraryIdOrSecret", "wrong library_id or library_secret")
	ErrDirectoryNotFound        = newError(404, "DirectoryNotFound", "no such directory")
	ErrUploadNotFound           = newError(404, "UploadNotFound", "no such upload task")
	ErrUploadIncomplete         = newError(404, "UploadIncomplete", "the upload task has not received all its bytes")
	ErrFileNotFound             = newError(404, "FileNotFound", "no such file")
	ErrRouteNotFound            = newError(404, "RouteNotFound", "no such route")         // emulator
	ErrMethodNotAllowed         = newError(405, "MethodNotAllowed", "method not allowed") // emulator
	ErrSameNameExists           = newError(409, "SameNameDirectoryOrFileExists", "a directory or file of that name exists")
	ErrInternal                 = newError(500, "InternalError", "internal error")
	ErrServiceUnavailable       = newError(503, "ServiceUnavailable", "service unavailable")
	ErrNotImplemented           = newError(501, "NotImplemented", "the emulator does not implement this operation")
)

// Data-plane (COS) errors, rendered as XML.
var (
	ErrAccessDenied          = newError(403, "AccessDenied", "Access Denied.")
	ErrRequestExpired        = newError(403, "AccessDenied", "Request has expired")
	ErrSignatureDoesNotMatch = newError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
	ErrNoSuchUpload          = newError(404, "NoSuchUpload", "The specified upload does not exist.")
	ErrNoSuchKey             = newError(404, "NoSuchKey", "The specified key does not exist.")
	ErrInvalidArgument       = newError(400, "InvalidArgument", "Invalid argument.")
	ErrMissingContentLength  = newError(411, "MissingContentLength", "You must provide the Content-Length HTTP header.")
	ErrEntityTooLarge        = newError(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.")
	ErrIncompleteBody        = newError(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
)

type jsonError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
}

type xmlError struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId"`
}

// writeError is the one place errors become responses: JSON on the API and test-control
// routes, XML on the data plane, no body for HEAD. Untyped errors are logged and answered
// as 500 InternalError.
func (e *Emulator) writeError(c *call, err error) {
	var se *Error
	if !errors.As(err, &se) {
		e.log.Error("internal error", "requestId", c.id, "route", c.rt.name, "err", err)
		se = ErrInternal
	}
	if c.rt.plane == planeData && c.body != nil && c.r.ContentLength <= maxPartSize {
		// Read what the client sends before answering, so that it sees this answer and
		// not a connection closed under its upload (browsers report only the latter).
		_, _ = io.Copy(io.Discard, c.body)
	}
	h := c.w.Header()
	h.Del("ETag")
	if c.r.Method == http.MethodHead {
		c.w.WriteHeader(se.Status)
		return
	}
	if c.rt.plane == planeData {
		body, _ := xml.Marshal(xmlError{Code: se.Code, Message: se.Message, RequestID: c.id})
		h.Set("Content-Type", "application/xml")
		c.w.WriteHeader(se.Status)
		_, _ = c.w.Write(append([]byte(xml.Header), body...))
		return
	}
	body, _ := json.Marshal(jsonError{Code: se.Code, Message: se.Message, RequestID: c.id})
	h.Set("Content-Type", "application/json; charset=utf-8")
	c.w.WriteHeader(se.Status)
	_, _ = c.w.Write(body)
}
