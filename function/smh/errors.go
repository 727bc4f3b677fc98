package smh

import (
	"context"
	"errors"
	"net/http"

	"github.com/ferry-upload/ferry/function/provider"
	"github.com/ferry-upload/ferry/shared/smh"
)

// Upstream codes that describe the caller's request rather than a fault of the function
// or the service: answered 400 (or 403) with the code in the message.
var (
	upstreamInvalid = map[string]bool{
		"UploadNotFound": true, "UploadIncomplete": true, "MultipartUploadIncomplete": true,
		"MultipartUploadPartTooSmall": true, "NotMultipartUpload": true, "BadCrc64": true,
		"SameNameDirectoryOrFileExists": true, "DirectoryNameLengthExceed": true,
		"DirectoryNotAllowed": true, "DirectoryLevelExceed": true, "EmptyFileName": true,
		"FileNameLengthExceed": true, "ExtnameNotAllowed": true, "UploadToRootDirectoryNotAllowed": true,
		"FileTypeNotMatched": true, "DirectoryNotFound": true, "InvalidConflictResolutionStrategy": true,
		"EmptyPath": true, "SpaceNotFound": true, "QuotaLimitReached": true, "LibraryQuotaLimitReached": true,
		"NoQuota": true, "ContentCasConflict": true, "SensitiveContentRecognized": true,
	}
	upstreamForbidden = map[string]bool{
		"UploadNotBelongYou": true, "NoPermission": true, "AccessTokenNotMatchSpace": true,
	}
)

// neutralCodes are the SMH codes a client acts on, as codes every provider shares (SMH's
// own code goes beside it as providerCode): the widget's messages key on them.
var neutralCodes = map[string]struct {
	code   string
	status int
}{
	"SameNameDirectoryOrFileExists": {provider.CodeAlreadyExists, http.StatusConflict},
	"QuotaLimitReached":             {provider.CodeQuotaExceeded, http.StatusForbidden},
	"LibraryQuotaLimitReached":      {provider.CodeQuotaExceeded, http.StatusForbidden},
	"NoQuota":                       {provider.CodeQuotaExceeded, http.StatusForbidden},
	"FileNameLengthExceed":          {provider.CodeInvalidPath, http.StatusBadRequest},
	"DirectoryNameLengthExceed":     {provider.CodeInvalidPath, http.StatusBadRequest},
	"DirectoryLevelExceed":          {provider.CodeInvalidPath, http.StatusBadRequest},
	"EmptyFileName":                 {provider.CodeInvalidPath, http.StatusBadRequest},
	"ExtnameNotAllowed":             {provider.CodeTypeNotAllowed, http.StatusBadRequest},
	"FileTypeNotMatched":            {provider.CodeTypeNotAllowed, http.StatusBadRequest},
	"BadCrc64":                      {provider.CodeChecksumMismatch, http.StatusBadRequest},
}

// Upstream maps an SMH failure during op to the answer: the caller's mistakes to
// InvalidRequest/Forbidden (or the shared code), everything else to UpstreamError 502. Only
// the SMH code and status are quoted, never a URL. A *provider.Error passes unchanged.
func Upstream(op string, err error) error {
	if err == nil {
		return nil
	}
	var fe *provider.Error
	if errors.As(err, &fe) {
		return fe
	}
	code := smh.Code(err)
	if n, ok := neutralCodes[code]; ok {
		return &provider.Error{Code: n.code, Status: n.status, Message: op + ": " + code, ProviderCode: code, Cause: err}
	}
	switch {
	case upstreamInvalid[code]:
		return &provider.Error{Code: provider.CodeInvalidRequest, Status: http.StatusBadRequest, Message: op + ": " + code, ProviderCode: code, Cause: err}
	case upstreamForbidden[code]:
		return &provider.Error{Code: provider.CodeForbidden, Status: http.StatusForbidden, Message: op + ": " + code, ProviderCode: code, Cause: err}
	case code != "":
		return provider.Upstream(op, code, "SMH answered "+code, err)
	}
	if errors.Is(err, context.Canceled) {
		return provider.Upstream(op, "", "canceled", err)
	}
	return provider.Upstream(op, "", "SMH could not be reached", err)
}

// taskError maps UploadNotFound (the task is gone: completed, canceled or expired) to the
// neutral UploadNotFound answer and everything else as Upstream does.
func taskError(op string, err error) error {
	if smh.Code(err) == smh.CodeUploadNotFound {
		return provider.UploadGone()
	}
	return Upstream(op, err)
}

// unexpected is an SMH answer that should not have been given.
func unexpected(status int, msg string) error {
	return &smh.Error{Status: status, Code: provider.CodeUnexpected, Message: msg}
}
