// Package provider is the neutral core that the token function and its providers share
// (litestream's layout: the core declares what a service must do, one package per service
// does it). It holds the capability interfaces a provider implements, what they receive
// (the authenticated Caller, an approved UploadSpec, an opened Ticket) and answer (Begun,
// Target, RemoteState, StoredFile), and the function's one error type with its stable
// codes, so that a provider's refusal is rendered like every other error. It imports
// nothing of the function and no service's client.
package provider

import (
	"context"
	"time"
)

// Provider is one library service behind the token function (interfaces.md §5). Name is all it
// must have; every other capability is an optional interface, found by type assertion the
// way tusd composes its stores: a route is served, and advertised in the token answer, only
// when the provider has the capability behind it.
//
// The handler owns everything neutral: authentication, the policy check before any upstream
// call, tickets, the checks on the stored file after completion, webhooks and errors. A
// provider only speaks to its service, for one caller, and never sees another caller's
// ticket (tickets are opened and checked before a provider method runs).
type Provider interface {
	// Name is the provider id of FERRY_PROVIDER and of tickets ("smh", "pds", "gokuai").
	Name() string
	// Library names the library, drive or mount tickets are bound to.
	Library() string
}

// Caller is the authenticated caller after the policy resolved its role, space and area.
type Caller struct {
	Subject  string
	RoleName string
	Space    string // "-" for a single-tenant library
	// Session is the caller's own sign-in to the provider, when the deployment has the
	// caller sign in there (PDS web sign-in); nil otherwise.
	Session   *Session
	Prefix    []string // segments of the caller's area
	JWTExpiry time.Time
}

// Beginner starts an upload the policy approved (path, size and type checked already).
type Beginner interface {
	// Begin asks the service for an upload task. It answers a session, a file stored from
	// the hashes alone (quick upload), or a *HashNeeded error naming the hash to send next.
	Begin(ctx context.Context, c *Caller, u *UploadSpec) (*Begun, error)
}

// Targeter hands out fresh byte targets (signed URLs and headers) of an open upload.
type Targeter interface {
	// Targets renews the upload's data-plane signatures and returns the targets of parts
	// (part 0 is a one-body upload's body) and when they expire.
	Targets(ctx context.Context, c *Caller, t *Ticket, parts []int) ([]Target, time.Time, error)
}

// Stater reads what the service holds of an upload, for resume.
type Stater interface {
	// State returns the parts the service holds, or the file when the upload was completed.
	// A task the service no longer has is ErrUploadGone.
	State(ctx context.Context, c *Caller, t *Ticket) (*RemoteState, error)
}

// Completer finishes an upload. The handler checks the held size before (through Stater)
// and the stored file after.
type Completer interface {
	// Complete asks the service to store the upload. Completing again after a lost answer
	// returns the stored file when the same bytes are stored at the ticket's path (or its
	// renamed form), else ErrUploadGone.
	Complete(ctx context.Context, c *Caller, t *Ticket, req *CompleteRequest) (*StoredFile, error)
}

// Aborter deletes an open upload and what it received. A task already gone is no error.
type Aborter interface {
	Abort(ctx context.Context, c *Caller, t *Ticket) error
}

// Remover deletes a stored file for good: one that broke the policy after completion.
type Remover interface {
	Remove(ctx context.Context, c *Caller, path string) error
}

// UsageReader measures what a caller stores, for the role's quotaBytes (quota.go). A role
// with a quota is refused at start on a provider without it.
type UsageReader interface {
	// Usage returns the bytes of the files stored under the caller's area (Prefix), folders
	// at any depth included. An area that does not exist yet holds 0 bytes. When the area
	// cannot be measured in full, it is an error, never a smaller figure.
	Usage(ctx context.Context, c *Caller) (int64, error)
}

// UploadSpec is an upload the policy approved.
type UploadSpec struct {
	Path      string // full library path, checked to lie in the caller's area
	Size      int64
	Type      string // declared MIME type, "" if none
	Conflict  string // neutral: ConflictFail, ConflictRename or ConflictReplace
	PartSize  int64  // 0: one body
	Labels    []string
	Meta      map[string]string
	Hashes    map[string]string // the provider's quick-upload hashes, as the browser sent them
	UserAgent string
}

// Neutral conflict strategies of POST /v1/uploads (provider-apis.md §4.2 maps them).
const (
	ConflictFail    = "fail"
	ConflictRename  = "rename"
	ConflictReplace = "replace"
)

// Begun is Begin's answer: exactly one of Session and File.
type Begun struct {
	// Session is the provider's handle of the task (sealed into the ticket, never shown).
	Session string
	Targets []Target
	Expires time.Time // when the targets' signatures expire
	// File is set when the service stored the file from the hashes alone.
	File *StoredFile
}

// Target is where one part's bytes go.
type Target struct {
	Part    int               `json:"part"`
	Offset  int64             `json:"offset"`
	Length  int64             `json:"length"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Expires time.Time         `json:"expiresAt"`
}

// RemoteState is what the service holds of an upload.
type RemoteState struct {
	Stored []StoredPart // parts received, any order
	// Size is the bytes held, when the service says (HeldKnown): checked against the
	// declared size before completing.
	Size      int64
	HeldKnown bool
	Path      string      // the task's path as the service reports it
	File      *StoredFile // set once completed
}

// StoredPart is one part the service holds.
type StoredPart struct {
	Part  int    `json:"part"`
	Size  int64  `json:"size"`
	ETag  string `json:"etag,omitempty"`
	CRC64 string `json:"crc64,omitempty"`
}

// CompleteRequest is the browser's completion request.
type CompleteRequest struct {
	CRC64 string // decimal CRC-64/XZ of the whole file
}

// StoredFile is a stored file as answered to the browser.
type StoredFile struct {
	Path      string `json:"path"`
	Name      string `json:"name"`
	Size      int64  `json:"size"`
	SizeKnown bool   `json:"-"` // the service's answer carried the size
	CRC64     string `json:"crc64,omitempty"`
	SHA1      string `json:"sha1,omitempty"`
	ETag      string `json:"eTag,omitempty"`
}

// HashNeeded is Begin's answer when the service wants another hash before it decides
// (SMH: the beginning hash matched, send the full one).
type HashNeeded struct{ Need []string }

func (e *HashNeeded) Error() string { return "the service needs another hash: " + e.Need[0] }

// Ticket is the sealed content of an upload ticket.
type Ticket struct {
	Provider string `json:"p"`
	Library  string `json:"l"`
	Space    string `json:"s"`
	Subject  string `json:"u"`
	Path     string `json:"f"` // the full library path the upload was approved for
	Size     int64  `json:"n"` // the declared size, checked again at completion
	Type     string `json:"t,omitempty"`
	Session  string `json:"k"`           // the provider's handle (SMH: the confirm key)
	PartSize int64  `json:"z,omitempty"` // 0: one simple body
	Expires  int64  `json:"e"`           // unix seconds
	Mode     string `json:"m,omitempty"` // reserved for provider variants
}

// Shaper is implemented by a provider whose uploads differ from the default shape (parts
// in any order, no quick-upload hashes).
type Shaper interface {
	Shape() Shape
}

// Shape is how a provider's uploads go.
type Shape struct {
	// Ordered: the service takes parts only in order, so the browser sends one at a time
	// (the begin answer's "ordered").
	Ordered bool
	// CheckHashes checks the "hashes" of a begin request (names and formats) before any
	// upstream call; nil accepts none.
	CheckHashes func(map[string]string) error
}

// DirectoryMaker creates folders (POST /v1/directory, and the parents of an upload).
type DirectoryMaker interface {
	// MakeDirectory creates dir (a full library path inside the caller's area) and its
	// missing parents; created is false when dir existed.
	MakeDirectory(ctx context.Context, c *Caller, dir string) (created bool, err error)
}

// TargetWindow is how many parts' targets one answer carries: the rest are asked for as
// the upload goes (a 5 GiB file in 8 MiB parts would be a megabyte of JSON).
const TargetWindow = 16

// PartCount is the number of parts of an upload (0 for one body).
func PartCount(size, partSize int64) int {
	if partSize == 0 {
		return 0
	}
	return int((size + partSize - 1) / partSize)
}

// Span is part n's offset and length (n = 0: the one body).
func Span(size, partSize int64, n int) (off, length int64) {
	if partSize == 0 || n == 0 {
		return 0, size
	}
	off = int64(n-1) * partSize
	return off, min(partSize, size-off)
}

// Session is a caller's sign-in to the provider, kept sealed in an HttpOnly cookie and
// opened by the function for one request. A provider that renews it (a refresh) updates it
// and sets Changed, and the function seals it into the cookie again. Never logged.
type Session struct {
	User          string    // the provider's user id
	Drive         string    // the user's default drive (PDS), "" if unknown
	RefreshToken  string    // renews the access token
	AccessToken   string    // "" when none is kept
	AccessExpires time.Time // when AccessToken stops working
	Changed       bool
}

// String hides the tokens, so a Session printed by mistake leaks nothing.
func (s *Session) String() string { return "provider.Session{user " + s.User + "}" }

// GoString is String.
func (s *Session) GoString() string { return s.String() }
