package pds

import (
	"errors"

	"github.com/ferry-upload/ferry/function/provider"
	"github.com/ferry-upload/ferry/shared/pds"
)

// neutral maps PDS codes onto the function's neutral ones (interfaces.md §3, §5.2).
var neutral = map[string]struct {
	code   string
	status int
}{
	pds.CodeAlreadyExistFile: {provider.CodeAlreadyExists, 409},
	"QuotaExhausted.Drive":   {provider.CodeQuotaExceeded, 403},
	"InvalidParameter.Name":  {provider.CodeInvalidPath, 400},
	"NotAFolder":             {provider.CodeInvalidPath, 400},
	// complete's crc64_hash is not the parts'.
	"InvalidParameterNotMatch.Crc64Hash": {provider.CodeChecksumMismatch, 400},
}

// upstream maps a PDS failure to the answer: the shared words where PDS has one, else
// UpstreamError (502) with PDS's code beside it. Never a URL or a token.
func upstream(op string, err error) error {
	if err == nil {
		return nil
	}
	var fe *provider.Error
	if errors.As(err, &fe) {
		return fe
	}
	code := pds.Code(err)
	if n, ok := neutral[code]; ok {
		return &provider.Error{Code: n.code, Status: n.status, Message: op + ": " + code, ProviderCode: code, Cause: err}
	}
	if code != "" {
		return provider.Upstream(op, code, "PDS answered "+code, err)
	}
	return provider.Upstream(op, "", "PDS could not be reached", err)
}

// taskError maps an upload PDS no longer has to UploadNotFound.
func taskError(op string, err error) error {
	switch pds.Code(err) {
	case pds.CodeNotFoundUploadID, pds.CodeNotFoundFile:
		return provider.UploadGone()
	}
	return upstream(op, err)
}

func orGone(err error) error {
	if err != nil {
		return err
	}
	return provider.UploadGone()
}
