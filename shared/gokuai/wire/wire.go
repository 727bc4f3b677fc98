// Package wire is the HTTP seam of Ferry's Gokuai clients: one request, one answer, and
// the one-method Doer that carries them. It depends on nothing, so that the upload-server
// client (shared/gokuai/upload) stays small enough for the browser's wasm engine while
// sharing the seam with shared/gokuai, whose Request, Response and Doer are these.
package wire

import "context"

// Request is one HTTP request. Header keys are sent as given.
type Request struct {
	Method string
	URL    string
	Header map[string]string
	Body   []byte
}

// Response is one HTTP response. Header keys are lower-case.
type Response struct {
	StatusCode int
	Header     map[string]string
	Body       []byte
}

// Doer performs HTTP requests. A Doer returns an error only when no response arrived;
// that error must not contain the request URL or body (the body may hold a signature).
type Doer interface {
	Do(ctx context.Context, req *Request) (*Response, error)
}

// Headers of the upload server (provider-apis.md §3.5).
const (
	HeaderSession  = "x-gk-upload-session"
	HeaderRange    = "x-gk-upload-range" // "start-end", both inclusive
	HeaderCRC      = "x-gk-upload-crc"   // CRC-32 (IEEE) of the part, decimal
	HeaderPathHash = "x-gk-upload-pathhash"
	HeaderFileName = "x-gk-upload-filename" // URL-encoded
	HeaderFileHash = "x-gk-upload-filehash"
	HeaderFileSize = "x-gk-upload-filesize"
)

// Routes under the upload server's base URL.
const (
	PathInit   = "/upload_init"
	PathReq    = "/upload_req"
	PathPart   = "/upload_part"
	PathFinish = "/upload_finish"
	PathAbort  = "/upload_abort"
)

// MaxPartSize is the largest part the service takes ("最大允许10MB", the Java SDK).
const MaxPartSize = 10 << 20
