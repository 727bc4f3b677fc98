package emukit

import "net/http"

// Plane says which part of an emulator a request addresses. Each of the two served planes
// draws faults from a stream of its own; the test-control plane is the kit's.
type Plane int

const (
	PlaneControl Plane = iota // the provider's API (tokens, upload tasks, files)
	PlaneData                 // where the bytes go: request bodies are counted in the stats
	PlaneTest                 // the test-control API under ControlPrefix: never faulted or counted
)

// Route is what a provider says about one request of its own.
type Route struct {
	// Name keys the request stats, e.g. "PUT /cos/{objectKey}"; a request the provider
	// cannot place is named "METHOD (unmatched)".
	Name  string
	Plane Plane // PlaneControl or PlaneData
	// NoFault: the request is never faulted and draws no randomness (CORS preflights,
	// which browsers cache, and unmatched requests).
	NoFault bool
	// Upload is the key of the upload whose counters (Stats.DataPlane.ByUpload) a
	// data-plane request's body bytes go to; "" for none.
	Upload string
	// Serve answers the request. It runs only when Route returned no error, after any
	// injected fault (so before a fault nothing has changed).
	Serve func(*Call) error
}

// Provider is the provider-specific half of an emulator. The kit calls it from its
// handler and its test-control API; see the package documentation for the contract.
type Provider interface {
	// Route places a request that is not under ControlPrefix. It may set headers every
	// answer carries (request-id aliases); the kit has set X-Request-Id and CORS. When it
	// returns an error, the Route still names the request (for stats), and the kit answers
	// the error through WriteError, after a fault if the route is not NoFault.
	Route(c *Call) (Route, error)
	// WriteError is the one place errors become answers, in the service's own shape, on
	// every plane (c.Plane()), test control included. Errors that are not *Error are the
	// emulator's bugs: answer them as ErrInternal. On the data plane, read the request body
	// before answering, so that a browser sees the answer rather than a connection closed
	// under its upload.
	WriteError(c *Call, err error)

	// State is the value saved as the data directory's state.json (with "version" added);
	// called with the state locked. Received parts of open uploads are saved apart (SavePart).
	State() any
	// Blobs calls keep with the id of every blob the state refers to, the parts of open
	// uploads included; called with the state locked. Other blobs are garbage.
	Blobs(keep func(id string))
	// Reset drops the provider's state (files, uploads, tokens), releasing its blobs and
	// parts; called inside Update, after the kit cleared faults and stats.
	Reset() error
	// Expire makes every token (tokens) and every upload target or signature (uploads)
	// issued so far expire now, and says how many of each it expired.
	Expire(tokens, uploads bool) (expiredTokens, expiredUploads int, err error)
	// Files lists the confirmed files of a library (the SMH library, the PDS drive, the
	// Gokuai mount) and, when space is not "", of one space in it: a JSON array whose
	// entries carry at least "path", "size" and "sha256" (FileEntry, or a type with more).
	Files(library, space string) (any, error)
	// Uploads lists the open upload tasks of a library (and space): a JSON array whose
	// entries carry at least "path" (UploadEntry, or a type with more).
	Uploads(library, space string) (any, error)
}

// FileEntry is the least a GET /_emulator/files entry says.
type FileEntry struct {
	Path   string `json:"path"` // "/dir/name.ext"
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // lowercase hex of the whole content
}

// UploadEntry is the least a GET /_emulator/uploads entry says.
type UploadEntry struct {
	Path string `json:"path"` // the target path of the upload
	Size int64  `json:"size"` // bytes received and kept so far
}

// CORS says what browsers may do. Every answer allows the caller's origin and exposes
// Expose; a preflight (answered by Preflight) allows Methods and, of the request headers
// it asks for, those in Headers or starting with one of HeaderPrefixes (a browser refuses
// the request if a header it asked for is not echoed).
type CORS struct {
	Methods        []string // e.g. GET, HEAD, PUT, POST, DELETE, OPTIONS
	Expose         []string // response headers clients read, e.g. ETag, X-Request-Id
	Headers        []string // lower case
	HeaderPrefixes []string // lower case, e.g. "x-cos-"
}

var defaultCORSMethods = []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodOptions}
