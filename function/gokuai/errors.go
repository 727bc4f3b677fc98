package gokuai

import (
	"errors"

	"github.com/ferry-upload/ferry/function/provider"
	"github.com/ferry-upload/ferry/shared/gokuai"
	gkup "github.com/ferry-upload/ferry/shared/gokuai/upload"
)

// codeOf is the stable code of a failure of the file API (shared/gokuai) or of the upload
// server (shared/gokuai/upload): the two packages use the same strings.
func codeOf(err error) string {
	if c := gokuai.Code(err); c != "" {
		return c
	}
	return gkup.Code(err)
}

// neutral maps Gokuai's file and upload codes onto the function's shared words.
var neutral = map[string]struct {
	code   string
	status int
	msg    string
}{
	gokuai.CodeFileExists:       {provider.CodeAlreadyExists, 409, "a file or folder of that name exists there (or a folder on the path is a file)"},
	gokuai.CodeCapacityExceeded: {provider.CodeQuotaExceeded, 403, "the library's capacity would be exceeded"},
	gokuai.CodeFileHashMismatch: {provider.CodeChecksumMismatch, 400, "the bytes sent are not the file whose SHA-1 began the upload (Gokuai dropped it)"},
	gokuai.CodeChecksumMismatch: {provider.CodeChecksumMismatch, 400, "a part's CRC-32 does not match its bytes"},
}

// fileError maps a failure of a brokered upload's call: the shared words where Gokuai has
// one, an upload Gokuai no longer has to UploadNotFound, else UpstreamError (502) with
// Gokuai's code beside. Never a URL, a parameter or a credential.
func fileError(op string, err error) error {
	if err == nil {
		return nil
	}
	var fe *provider.Error
	if errors.As(err, &fe) {
		return fe
	}
	code := codeOf(err)
	if n, ok := neutral[code]; ok {
		return &provider.Error{Code: n.code, Status: n.status, Message: op + ": " + n.msg, ProviderCode: code, Cause: err}
	}
	switch code {
	case gokuai.CodeSessionInvalid, gokuai.CodeUploadNotFound:
		return provider.UploadGone()
	case "":
		return provider.Upstream(op, "", "Gokuai could not be reached", err)
	}
	return provider.Upstream(op, code, "Gokuai answered "+code, err)
}

// libraryError maps a failure to find or bind the caller's library: the function's
// configuration or Gokuai is at fault, never the caller.
func libraryError(op string, err error) error {
	var fe *provider.Error
	if errors.As(err, &fe) {
		return fe
	}
	code := gokuai.Code(err)
	if code == "" {
		return provider.Upstream(op, "", "Gokuai could not be reached", err)
	}
	return provider.Upstream(op, code, "Gokuai answered "+code, err)
}
