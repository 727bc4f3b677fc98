package gokuaiemu

import (
	"errors"
	"io"
	"net/http"

	"github.com/ferry-upload/ferry/shared/emukit"
	"github.com/ferry-upload/ferry/shared/gokuai"
	gkup "github.com/ferry-upload/ferry/shared/gokuai/wire"
)

// Errors carry the client's stable codes (shared/gokuai); WriteError renders them in
// Gokuai's shape {"error_code":int,"error_msg":text} with the numeric code gokuai.ServiceCodes
// gives each, so the client and the emulator cannot drift apart.
var (
	errInvalidParameter  = emukit.ErrInvalidParameter // 40001
	errInvalidSign       = emukit.NewError(401, gokuai.CodeInvalidSign, "sign error")
	errDatelineExpired   = emukit.NewError(401, gokuai.CodeDatelineExpired, "dateline is out of the allowed window")
	errInvalidClient     = emukit.NewError(401, gokuai.CodeInvalidClient, "client_id or org_client_id is invalid")
	errForbidden         = emukit.NewError(403, gokuai.CodeForbidden, "the credential may not do this")
	errOwnerNotRemovable = emukit.NewError(403, gokuai.CodeOwnerNotRemovable, "the owner cannot leave the library; set another owner first")
	errLibraryNotFound   = emukit.NewError(404, gokuai.CodeLibraryNotFound, "library not found")
	errMemberNotFound    = emukit.NewError(404, gokuai.CodeMemberNotFound, "member not found")
	errGroupNotFound     = emukit.NewError(404, gokuai.CodeGroupNotFound, "group not found")
	errRoleNotFound      = emukit.NewError(404, gokuai.CodeRoleNotFound, "role not found")
	errBindingNotFound   = emukit.NewError(404, gokuai.CodeBindingNotFound, "org_client_id not found")

	errFileNotFound     = emukit.NewError(404, gokuai.CodeFileNotFound, "file not found")
	errFileExists       = emukit.NewError(409, gokuai.CodeFileExists, "a file or folder is in the way")
	errCapacityExceeded = emukit.NewError(403, gokuai.CodeCapacityExceeded, "the library's capacity would be exceeded")
	errUploadNotFound   = emukit.NewError(404, gokuai.CodeUploadNotFound, "no create_file announced this pathhash")
	errSessionInvalid   = emukit.NewError(401, gokuai.CodeSessionInvalid, "the upload session is invalid")
	errChecksumMismatch = emukit.NewError(400, gokuai.CodeChecksumMismatch, "x-gk-upload-crc does not match the part")
	errFileHashMismatch = emukit.NewError(400, gokuai.CodeFileHashMismatch, "the content's SHA-1 is not the announced filehash")
)

// kitCodes maps the kit's own error codes to the stable codes of the client.
var kitCodes = map[string]string{
	emukit.ErrInvalidParameter.Code:   gokuai.CodeInvalidParameter,
	emukit.ErrRouteNotFound.Code:      gokuai.CodeRouteNotFound,
	emukit.ErrMethodNotAllowed.Code:   gokuai.CodeMethodNotAllowed,
	emukit.ErrInternal.Code:           gokuai.CodeServerError,
	emukit.ErrServiceUnavailable.Code: gokuai.CodeUnavailable,
}

// serviceCodes is gokuai.ServiceCodes inverted: stable code → error_code.
var serviceCodes = func() map[string]int64 {
	m := map[string]int64{}
	for n, c := range gokuai.ServiceCodes {
		m[c] = n
	}
	return m
}()

type errorBody struct {
	ErrorCode int64  `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
}

// writeError is the one place errors become answers. Untyped errors are the emulator's
// bugs: logged and answered 500.
func (e *Emulator) writeError(c *emukit.Call, err error) {
	var ke *emukit.Error
	if !errors.As(err, &ke) {
		e.log.Error("internal error", "requestId", c.ID(), "route", c.RouteName(), "err", err)
		ke = emukit.ErrInternal
	}
	code := ke.Code
	if k, ok := kitCodes[code]; ok {
		code = k
	}
	n, ok := serviceCodes[code]
	if !ok {
		e.log.Error("error without a service code", "code", code)
		n = serviceCodes[gokuai.CodeServerError]
	}
	drain := int64(maxForm)
	if c.Plane() == emukit.PlaneData {
		drain = gkup.MaxPartSize + 1
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(c.Body(), drain)) // answer, not a reset, to a sender
	_ = c.JSON(ke.Status, errorBody{ErrorCode: n, ErrorMsg: ke.Message})
}

// statusOK is the answer of the operations whose seed answer is a bare "HTTP 200".
func statusOK(c *emukit.Call) error { return c.Empty(http.StatusOK) }
