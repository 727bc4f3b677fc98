package pdsemu

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// Error is an error answer of the emulated service (the kit's type): the HTTP status and
// the stable code clients act upon.
type Error = emukit.Error

// PDS API errors. Codes marked "emulator" are the emulator's choice where the reference
// names none (doc.go, "Assumptions about the real service").
var (
	ErrInvalidParameter        = emukit.ErrInvalidParameter
	ErrInvalidParameterMissing = emukit.NewError(400, "InvalidParameterMissing", "a required parameter is missing")
	ErrInvalidParameterRange   = emukit.NewError(400, "InvalidParameterOutOfRange", "a parameter is out of range")
	ErrUnsupportedGrantType    = emukit.NewError(400, "UnsupportedGrantType", "grant_type is not supported") // emulator
	ErrInvalidGrant            = emukit.NewError(400, "InvalidGrant", "the grant is not valid")              // emulator
	ErrInvalidClient           = emukit.NewError(401, "InvalidClient", "unknown client or wrong secret")     // emulator
	ErrInvalidRedirectURI      = emukit.NewError(400, "InvalidParameter.RedirectUri", "redirect_uri is not registered for this client")
	ErrAccessTokenInvalid      = emukit.NewError(401, "AccessTokenInvalid", "the access token is invalid or expired")
	ErrForbidden               = emukit.NewError(403, "Forbidden", "the user may not use this drive") // emulator
	ErrUserNotFound            = emukit.NewError(404, "NotFound.User", "no such user")                // emulator
	ErrDriveNotFound           = emukit.NewError(404, "NotFound.Drive", "no such drive")
	ErrFileNotFound            = emukit.NewError(404, "NotFound.File", "no such file")
	ErrParentNotFound          = emukit.NewError(404, "NotFound.ParentFileId", "no such parent folder") // emulator
	ErrUploadIDNotFound        = emukit.NewError(404, "NotFound.UploadId", "no such upload")
	ErrAlreadyExistFile        = emukit.NewError(409, "AlreadyExist.File", "the file exists")
	ErrPreHashMatched          = emukit.NewError(409, "PreHashMatched", "a stored file has this pre_hash: send content_hash")               // emulator
	ErrCRC64Mismatch           = emukit.NewError(400, "InvalidParameterNotMatch.Crc64Hash", "crc64_hash does not match the parts received") // emulator
	ErrSizeMismatch            = emukit.NewError(400, "InvalidParameterNotMatch.Size", "the parts received do not sum to the file size")    // emulator
	ErrPartMissing             = emukit.NewError(400, "InvalidPart", "a declared part is missing or its etag differs")                      // emulator (OSS's code)
	ErrPartTooSmall            = emukit.NewError(400, "EntityTooSmall", "every part but the last must hold at least the minimum part size") // emulator (OSS's code)
	ErrRouteNotFound           = emukit.ErrRouteNotFound
	ErrMethodNotAllowed        = emukit.ErrMethodNotAllowed
	ErrInternal                = emukit.ErrInternal
	ErrServiceUnavailable      = emukit.ErrServiceUnavailable
)

// OSS data-plane errors, rendered as OSS XML.
var (
	ErrAccessDenied          = emukit.NewError(403, "AccessDenied", "Access Denied.")
	ErrRequestExpired        = emukit.NewError(403, "AccessDenied", "Request has expired.")
	ErrSignatureDoesNotMatch = emukit.NewError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
	ErrNoSuchUpload          = emukit.NewError(404, "NoSuchUpload", "The specified upload does not exist.")
	ErrInvalidArgument       = emukit.NewError(400, "InvalidArgument", "Invalid argument.")
	ErrPartNotSequential     = emukit.NewError(400, "PartNotSequential", "The part was uploaded before the part before it.")
	ErrMissingContentLength  = emukit.NewError(411, "MissingContentLength", "You must provide the Content-Length HTTP header.")
	ErrEntityTooLarge        = emukit.NewError(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.")
	ErrIncompleteBody        = emukit.NewError(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
)

type jsonError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type xmlError struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId"`
	HostID    string   `xml:"HostId"`
}

// writeError is the one place errors become answers: PDS's {"code","message"} with
// x-ca-request-id on the API and test-control routes, OSS XML on the data plane, no body
// for HEAD. Untyped errors are logged and answered as 500 InternalError.
func (e *Emulator) writeError(c *emukit.Call, err error) {
	var se *Error
	if !errors.As(err, &se) {
		e.log.Error("internal error", "requestId", c.ID(), "route", c.RouteName(), "err", err)
		se = ErrInternal
	}
	r, w, data := c.Request(), c.Writer(), c.Plane() == emukit.PlaneData
	if data && r.ContentLength <= maxPartSize {
		// Read what the client sends before answering, so that a browser sees this
		// answer and not a connection closed under its upload.
		_, _ = io.Copy(io.Discard, c.Body())
	}
	h := w.Header()
	h.Del("ETag")
	h.Del("x-oss-hash-crc64ecma")
	h.Set("x-ca-request-id", c.ID())
	if r.Method == http.MethodHead {
		w.WriteHeader(se.Status)
		return
	}
	if data {
		body, _ := xml.Marshal(xmlError{Code: se.Code, Message: se.Message, RequestID: c.ID(), HostID: r.Host})
		h.Set("Content-Type", "application/xml")
		w.WriteHeader(se.Status)
		_, _ = w.Write(append([]byte(xml.Header), body...))
		return
	}
	body, _ := json.Marshal(jsonError{Code: se.Code, Message: se.Message})
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(se.Status)
	_, _ = w.Write(body)
}
