package engine

import (
	"errors"
	"strconv"
	"strings"
	"time"

	gkup "github.com/ferry-upload/ferry/shared/gokuai/upload"
	"github.com/ferry-upload/ferry/shared/gokuai/wire"
	"github.com/ferry-upload/ferry/shared/hashes"
)

// Providers whose data plane the brokered driver speaks.
const (
	providerSMH    = "smh"
	providerPDS    = "pds"
	providerGokuai = "gokuai"
)

// dataPlane is what the brokered driver must know of a provider's data plane: the
// function's routes are the same for all, the byte targets' answers are not.
type dataPlane struct {
	// hashes are the names the begin route takes the provider's hashes under (interfaces.md
	// §5.2): the beginning's, sent first, then the whole file's, sent when the function
	// answers HashNeeded. No beginning hash: the whole file's is needed to begin at all
	// (Gokuai announces every file by its SHA-1), quick upload or not. Which hashes they are
	// is the task's hash scheme (hashing.go).
	hashes [2]string
	// partDone reads the answer to a part's request.
	partDone func(resp *PartResponse) (PartAck, error)
	// partCRC32 is the request header that carries each part's CRC-32 (decimal), which only
	// the browser can compute: every part is read before it is sent.
	partCRC32 string
	// appendOnly: the data plane takes only the bytes after those it holds (Session.AppendOnly).
	appendOnly bool
}

var dataPlanes = map[string]dataPlane{
	// COS: SHA-256 of the first MiB, then the chained SHA-256; the part's CRC-64 answered.
	providerSMH: {hashes: [2]string{"beginningHash", "fullHash"},
		partDone: func(r *PartResponse) (PartAck, error) { return dataPlanePartDone(r, "x-cos-hash-crc64ecma") }},
	// OSS: SHA-1 of the first KiB, then of the whole file; the part's CRC-64 answered.
	providerPDS: {hashes: [2]string{"preHash", "sha1"},
		partDone: func(r *PartResponse) (PartAck, error) { return dataPlanePartDone(r, "x-oss-hash-crc64ecma") }},
	// Gokuai's upload server: byte ranges in order, each with its CRC-32; the whole file's
	// SHA-1 at every begin. Its answers carry no ETag and no CRC.
	providerGokuai: {hashes: [2]string{"", "sha1"}, partDone: gokuaiPartDone, partCRC32: gkup.HeaderCRC, appendOnly: true},
}

// gokuaiPartDone reads upload_part's answer: 200 the range is stored, 202 the server held
// the whole file already; 409 {"expect"} names the bytes it holds (a heldError); a session
// it no longer knows is gone.
func gokuaiPartDone(resp *PartResponse) (PartAck, error) {
	err := gkup.AnswerError("upload_part", &wire.Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: resp.Body})
	if err == nil {
		return PartAck{}, nil
	}
	if held, ok := gkup.ExpectedOffset(err); ok {
		return PartAck{}, &heldError{Held: held}
	}
	var ue *gkup.Error
	if !errors.As(err, &ue) {
		return PartAck{}, err
	}
	se := &ServerError{Code: ue.Code, Status: ue.Status, Message: ue.Message}
	if ue.ServiceCode != 0 {
		se.ProviderCode = strconv.FormatInt(ue.ServiceCode, 10)
	}
	switch ue.Code {
	case gkup.CodeSessionInvalid:
		// Expired or ended upstream: the upload begins afresh.
		return PartAck{}, &Error{Code: codeUploadNotFound, Message: "the upload server no longer knows the upload",
			Status: ue.Status, Err: ErrSessionGone}
	case gkup.CodeChecksumMismatch:
		se.Code = CodeChecksumMismatch // the bytes read are not the bytes sent: read again
		se.Retry = true
	}
	return PartAck{}, se
}

// addPartCRC32 puts body's CRC-32 in header h of the part's request.
func addPartCRC32(header map[string]string, h string, body []byte) {
	header[h] = strconv.FormatUint(uint64(hashes.CRC32(body)), 10)
}

// heldError is a data plane's answer that it holds the file's first Held bytes, and takes
// only the bytes that follow (Gokuai's 409 {"expect"}): the parts before are stored, the
// ones from there must be sent, in order.
type heldError struct{ Held int64 }

func (e *heldError) Error() string {
	return "the data plane holds the first " + strconv.FormatInt(e.Held, 10) + " bytes and takes the bytes after them"
}

// ServerError is an error answer the engine reads itself: the token function's
// ({"code","message","requestId","providerCode"}: its neutral code, the provider's beside
// it) and Gokuai's upload server's. SMH's API and the COS/OSS data planes answer *smh.Error.
type ServerError struct {
	Code         string
	ProviderCode string
	Status       int
	Message      string
	RequestID    string
	RetryAfter   time.Duration // the answer's Retry-After
	Retry        bool          // retried whatever the status says
}

func (e *ServerError) Error() string {
	s := e.Code
	if e.ProviderCode != "" {
		s += " (" + e.ProviderCode + ")"
	}
	if e.Message != "" {
		s += ": " + strings.TrimSpace(e.Message)
	}
	return s
}
