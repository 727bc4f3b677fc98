package engine

import (
	"context"
	"time"

	"github.com/ferry-upload/ferry/shared/jsonx"
)

// Driver is one upload protocol: SMH spoken directly with an SMH token (SMHDriver), or the
// token function's brokered routes in front of any provider (BrokeredDriver). The engine
// picks one per token answer (Token.Mode). The scheduler owns ordering, parallelism,
// retries, progress and checkpoints; the driver turns its steps into requests and sorts
// their errors into Faults. Every method may be called concurrently for different
// sessions; Target, PartDone and Classify are also called concurrently for the same session.
type Driver interface {
	// Name is recorded in checkpoints, so a checkpoint is only resumed by its driver.
	Name() string
	// Begin asks for an upload task for spec. When the provider may complete the upload by
	// hash it uses quick (quick.Full is computed only if asked); a hit returns a *Result and
	// no session. A missing parent directory is created, and begin retried, once. The
	// session's Multipart and PartSize are how the file is cut: the scheduler follows them.
	Begin(ctx context.Context, tok *Token, spec *FileSpec, quick *QuickHashes) (*Session, *Result, error)
	// Parts reads the task of a checkpointed session: the parts the server holds, or a
	// *Result when the task was already completed.
	Parts(ctx context.Context, tok *Token, s *Session) ([]RemotePart, *Result, error)
	// Renew refreshes the session's data-plane signatures: it returns a new Session (with
	// its new Expires); sessions are never changed in place, so parts may share one.
	Renew(ctx context.Context, tok *Token, s *Session) (*Session, error)
	// Target is where part n goes (n ≥ 1; n = 0 for a simple upload's one body), signed to
	// last at least until s.Expires. The header map is the caller's to keep.
	Target(ctx context.Context, tok *Token, s *Session, n int) (url string, header map[string]string, err error)
	// PartDone reads the data plane's answer to a part of s: its ETag and CRC-64, or the error.
	PartDone(s *Session, resp *PartResponse) (PartAck, error)
	// Complete confirms the upload with the whole file's CRC-64.
	Complete(ctx context.Context, tok *Token, s *Session, crc64 uint64) (*Result, error)
	// Abort deletes the server task and what it received.
	Abort(ctx context.Context, tok *Token, s *Session) error
	// Classify says what to do about an error a method or the data plane returned.
	Classify(err error) Fault
	// MayQuickUpload reports whether tok may complete an upload by hash.
	MayQuickUpload(tok *Token) bool
}

// FileSpec is what Begin uploads.
type FileSpec struct {
	Path      string // full library path, starting with "/"
	Size      int64
	Multipart bool  // the engine's plan; a brokered begin lets the function decide
	PartSize  int64 // the engine's part size: the plan's, or the function's preference
	Conflict  string
	Labels    []string
	Meta      map[string]string // keys without the x-smh-meta- prefix
}

// QuickHashes are the task's hashes (its hash scheme's: SMH's chained SHA-256, or SHA-1).
// Full computes the whole file's (state "hashing", checkpointed as it goes) when the
// provider asks for it.
type QuickHashes struct {
	Beginning string
	Full      func(ctx context.Context) (string, error)
	// Off: no quick upload is to be tried (the page turned it off, or the file is too
	// small for it to pay). Only a provider that needs the whole file's hash to begin at all
	// (Gokuai) still asks for Full.
	Off bool
}

// PartDigester is a Driver whose data plane wants a digest of each part's bytes in the
// part's request (Gokuai's CRC-32). The engine reads such parts before sending them, as
// with Verify "local", and lets AddPartDigests add the headers before every attempt.
type PartDigester interface {
	PartDigests(s *Session) bool
	AddPartDigests(s *Session, body []byte, header map[string]string)
}

// Session is an upload task on the server, as a checkpoint stores it.
type Session struct {
	Key       string `json:"key"` // the task's id (SMH confirmKey, brokered ticket)
	Multipart bool   `json:"multipart"`
	// PartSize is the size of every part but the last (0 for one body, and in checkpoints
	// written before it was recorded: then Checkpoint.PartSize says).
	PartSize int64 `json:"partSize,omitempty"`
	// Ordered: the provider takes parts only in order (PDS), so they go one at a time.
	Ordered bool `json:"ordered,omitempty"`
	// AppendOnly: the data plane only appends bytes after those it holds, which cannot be
	// sent again (Gokuai's upload server); a held part that changed locally means beginning
	// afresh.
	AppendOnly bool             `json:"appendOnly,omitempty"`
	Expires    time.Time        `json:"expires"` // when the data-plane signatures expire
	Data       jsonx.RawMessage `json:"data"`    // the driver's own state (SMH: upload info)
}

// RemotePart is a part the server holds (as the brokered routes' "stored" lists them).
type RemotePart struct {
	N    int    `json:"part"`
	Size int64  `json:"size"`
	ETag string `json:"etag"`
}

// PartAck is the data plane's receipt for a part.
type PartAck struct {
	ETag  string
	CRC64 *uint64 // nil when the data plane sent none
}

// Result is a stored file.
type Result struct {
	Path  string `json:"path"` // final full path (after any rename)
	Name  string `json:"name"`
	Size  int64  `json:"size"`
	CRC64 string `json:"crc64"` // decimal
	ETag  string `json:"eTag"`
	Rapid bool   `json:"rapid"` // stored by quick upload, no bytes sent
}

// Fault is what the scheduler does about an error.
type Fault int

const (
	FaultFatal        Fault = iota // fail the file with the error's code and message
	FaultRetry                     // back off and retry (network, 5xx, 429)
	FaultRenew                     // the data-plane signature expired: renew, then retry
	FaultRefreshToken              // the token is invalid: refresh it (once, shared), then retry
	FaultCanceled                  // the context ended
)

// PartSender PUTs a part's bytes to the data plane (natively net/http; in the browser an
// XMLHttpRequest whose body is the Blob slice, for upload progress). It returns an error only
// when no answer arrived.
type PartSender interface {
	SendPart(ctx context.Context, req *PartRequest) (*PartResponse, error)
}

// PartRequest is one attempt at one part.
type PartRequest struct {
	URL    string
	Header map[string]string
	// Source, Offset and Length are the part's bytes in the file: what a streaming sender
	// sends (a Blob slice).
	Source Source
	Offset int64
	Length int64
	// Body holds the part's bytes when the engine read them (Options.StreamParts off); a
	// sender then sends Body. It must not be kept after SendPart returns.
	Body []byte
	// Progress is told the bytes of this attempt sent so far, as they go.
	Progress func(sent int64)
}

// PartResponse is the data plane's answer. Header keys are lower-case.
type PartResponse struct {
	StatusCode int
	Header     map[string]string
	Body       []byte
}
