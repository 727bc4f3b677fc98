package smhemu

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// Error is an error answer of the emulated service: the HTTP status and the stable code
// clients act upon. Errors compare equal (errors.Is) when their codes are equal. It is the
// emulator kit's error type, shared by every provider emulator.
type Error = emukit.Error

// Control-plane (SMH API) errors, after the service's status ↔ code table. Codes marked
// "emulator" are the emulator's choice where the reference names none. The five the kit
// answers itself (malformed test-control requests, injected faults) are the kit's values.
var (
	ErrEmptyLibraryIDOrSecret   = emukit.NewError(400, "EmptyLibraryIdOrSecret", "library_id and library_secret are required")
	ErrEmptyLibraryID           = emukit.NewError(400, "EmptyLibraryId", "library_id is required")
	ErrEmptyLibrarySecret       = emukit.NewError(400, "EmptyLibrarySecret", "library_secret is required")
	ErrNotMultiSpaceLibrary     = emukit.NewError(400, "NotMultiSpaceLibrary", "the library is single-tenant; its only space is \"-\"")
	ErrEmptyAccessToken         = emukit.NewError(400, "EmptyAccessToken", "access_token is required")
	ErrEmptyPath                = emukit.NewError(400, "EmptyPath", "a path is required")
	ErrDirectoryNameLength      = emukit.NewError(400, "DirectoryNameLengthExceed", "a directory name is longer than 255 characters")
	ErrDirectoryNotAllowed      = emukit.NewError(400, "DirectoryNotAllowed", "this media library space holds no directories")
	ErrDirectoryLevelExceed     = emukit.NewError(400, "DirectoryLevelExceed", "a media library holds one directory (album) level")
	ErrEmptyFileName            = emukit.NewError(400, "EmptyFileName", "the file name is empty")
	ErrFileNameLength           = emukit.NewError(400, "FileNameLengthExceed", "the file name is longer than 255 characters")
	ErrExtnameNotAllowed        = emukit.NewError(400, "ExtnameNotAllowed", "a media library takes image and video files only")
	ErrUploadToRootNotAllowed   = emukit.NewError(400, "UploadToRootDirectoryNotAllowed", "multi-album mode: upload into an album, not the root")
	ErrBadCrc64                 = emukit.NewError(400, "BadCrc64", "the crc64 does not match the received bytes")
	ErrInvalidConflictStrategy  = emukit.NewError(400, "InvalidConflictResolutionStrategy", "conflict_resolution_strategy must be ask, rename or overwrite")
	ErrPartTooSmall             = emukit.NewError(400, "MultipartUploadPartTooSmall", "every part but the last must be at least 1 MiB")
	ErrNotMultipartUpload       = emukit.NewError(400, "NotMultipartUpload", "the upload task is not a multipart upload")
	ErrInvalidGrant             = emukit.NewError(400, "InvalidGrant", "unknown grant")                       // emulator
	ErrEmptySpaceID             = emukit.NewError(400, "EmptySpaceId", "space_id is required for this grant") // emulator
	ErrInvalidPath              = emukit.NewError(400, "InvalidPath", "the path is not valid")                // emulator
	ErrInvalidParameter         = emukit.ErrInvalidParameter                                                  // emulator
	ErrInvalidAccessToken       = emukit.NewError(403, "InvalidAccessToken", "the access token is invalid or expired")
	ErrAccessTokenNotMatchSpace = emukit.NewError(403, "AccessTokenNotMatchSpace", "the access token is not valid for this space")
	ErrNoPermission             = emukit.NewError(403, "NoPermission", "the access token lacks the grant for this operation")
	ErrQuotaLimitReached        = emukit.NewError(403, "LibraryQuotaLimitReached", "the library quota would be exceeded") // status: emulator
	ErrLibraryNotFound          = emukit.NewError(404, "LibraryNotFound", "no such library")
	ErrSpaceNotFound            = emukit.NewError(404, "SpaceNotFound", "no such space")
	ErrWrongLibraryIDOrSecret   = emukit.NewError(404, "WrongLibraryIdOrSecret", "wrong library_id or library_secret")
	ErrDirectoryNotFound        = emukit.NewError(404, "DirectoryNotFound", "no such directory")
	ErrUploadNotFound           = emukit.NewError(404, "UploadNotFound", "no such upload task")
	ErrUploadIncomplete         = emukit.NewError(404, "UploadIncomplete", "the upload task has not received all its bytes")
	ErrFileNotFound             = emukit.NewError(404, "FileNotFound", "no such file")
	ErrRouteNotFound            = emukit.ErrRouteNotFound    // emulator
	ErrMethodNotAllowed         = emukit.ErrMethodNotAllowed // emulator
	ErrSameNameExists           = emukit.NewError(409, "SameNameDirectoryOrFileExists", "a directory or file of that name exists")
	ErrInternal                 = emukit.ErrInternal
	ErrServiceUnavailable       = emukit.ErrServiceUnavailable
	ErrNotImplemented           = emukit.NewError(501, "NotImplemented", "the emulator does not implement this operation")
)

// Data-plane (COS) errors, rendered as XML.
var (
	ErrAccessDenied          = emukit.NewError(403, "AccessDenied", "Access Denied.")
	ErrRequestExpired        = emukit.NewError(403, "AccessDenied", "Request has expired")
	ErrSignatureDoesNotMatch = emukit.NewError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
	ErrNoSuchUpload          = emukit.NewError(404, "NoSuchUpload", "The specified upload does not exist.")
	ErrNoSuchKey             = emukit.NewError(404, "NoSuchKey", "The specified key does not exist.")
	ErrInvalidArgument       = emukit.NewError(400, "InvalidArgument", "Invalid argument.")
	ErrMissingContentLength  = emukit.NewError(411, "MissingContentLength", "You must provide the Content-Length HTTP header.")
	ErrEntityTooLarge        = emukit.NewError(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.")
	ErrIncompleteBody        = emukit.NewError(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
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
func (e *Emulator) writeError(c *emukit.Call, err error) {
	var se *Error
	if !errors.As(err, &se) {
		e.log.Error("internal error", "requestId", c.ID(), "route", c.RouteName(), "err", err)
		se = ErrInternal
	}
	r, w, data := c.Request(), c.Writer(), c.Plane() == emukit.PlaneData
	if data && r.ContentLength <= maxPartSize {
		// Read what the client sends before answering, so that it sees this answer and
		// not a connection closed under its upload (browsers report only the latter).
		_, _ = io.Copy(io.Discard, c.Body())
	}
	h := w.Header()
	h.Del("ETag")
	if r.Method == http.MethodHead {
		w.WriteHeader(se.Status)
		return
	}
	if data {
		body, _ := xml.Marshal(xmlError{Code: se.Code, Message: se.Message, RequestID: c.ID()})
		h.Set("Content-Type", "application/xml")
		w.WriteHeader(se.Status)
		_, _ = w.Write(append([]byte(xml.Header), body...))
		return
	}
	body, _ := json.Marshal(jsonError{Code: se.Code, Message: se.Message, RequestID: c.ID()})
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(se.Status)
	_, _ = w.Write(body)
}
