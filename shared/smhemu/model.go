package smhemu

import (
	"encoding/json"
	"time"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// state is everything the emulator knows; e.kit.Lock guards it. With a DataDir the kit
// persists it on every mutation: the hot routes append the entries they change to a
// journal (e.kit.UpdateEntries, journal.go), the others rewrite it (e.kit.Update). The
// parts of upload tasks each live in a small file of their own, so that a part PUT
// rewrites neither.
type state struct {
	SignKey []byte `json:"signKey"`
	// SigSerial numbers data-plane signatures; a signature with a serial at or below
	// SigExpiredThrough has been forced to expire (POST /_emulator/expire).
	SigSerial         uint64 `json:"sigSerial"`
	SigExpiredThrough uint64 `json:"sigExpiredThrough"`

	Tokens    map[string]*token    `json:"tokens"`
	Libraries map[string]*libState `json:"libraries"`
	Uploads   map[string]*upload   `json:"uploads"` // by confirm key

	objects map[string]string // data-plane object key → confirm key (derived)
}

type libState struct {
	Spaces map[string]*space `json:"spaces"`
}

// token is an access token and what it may do.
type token struct {
	Value      string          `json:"value"`
	Library    string          `json:"library"`
	Spaces     []string        `json:"spaces,omitempty"` // empty: every space (admin, space ops)
	UserID     string          `json:"userId,omitempty"`
	ClientID   string          `json:"clientId,omitempty"`
	SessionID  string          `json:"sessionId,omitempty"`
	Grants     []string        `json:"grants,omitempty"`
	Period     int64           `json:"period"` // seconds: validity and sliding window
	Created    time.Time       `json:"created"`
	Expiry     time.Time       `json:"expiry"`
	HardExpiry time.Time       `json:"hardExpiry,omitzero"` // set by the expireTokenAfter fault
	AttachInfo json.RawMessage `json:"attachInfo,omitempty"`
}

// space is one tenant space (or the single space "-") and its tree of directories and
// files, keyed by the path levels joined with "/" (the root itself is implicit).
type space struct {
	ID         string           `json:"id"`
	UserID     string           `json:"userId,omitempty"`
	Created    time.Time        `json:"created"`
	MultiAlbum bool             `json:"multiAlbum,omitempty"`
	Nodes      map[string]*node `json:"nodes"`
}

// node is a directory (File == nil) or a file.
type node struct {
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
	File     *fileData `json:"file,omitempty"`
}

func (n *node) isDir() bool { return n.File == nil }

// fileData is a stored file. It is never changed once created (an overwrite makes a new
// one), except that the digests SHA256 and FullHash are filled in when first needed.
type fileData struct {
	Blobs         []blobRef         `json:"blobs"`
	Size          int64             `json:"size"`
	ETag          string            `json:"eTag"`
	CRC64         uint64            `json:"crc64"`
	BeginningHash string            `json:"beginningHash"`
	FullHash      string            `json:"fullHash,omitempty"`
	SHA256        string            `json:"sha256,omitempty"`
	ContentType   string            `json:"contentType"`
	Meta          map[string]string `json:"meta,omitempty"`
	uploadMeta
}

// upload is an open upload task.
type upload struct {
	ConfirmKey string            `json:"confirmKey"`
	Library    string            `json:"library"`
	Space      string            `json:"space"`
	Path       []string          `json:"path"`
	Multipart  bool              `json:"multipart"`
	UploadID   string            `json:"uploadId,omitempty"`
	ObjectKey  string            `json:"objectKey"`
	Strategy   string            `json:"strategy"`
	Force      bool              `json:"force"` // begun with a grant that may overwrite
	UserID     string            `json:"userId,omitempty"`
	Declared   int64             `json:"declared"` // size announced at begin, -1 if none
	Meta       map[string]string `json:"meta,omitempty"`
	uploadMeta
	TrafficLimit int64     `json:"trafficLimit,omitempty"`
	Created      time.Time `json:"created"`
	Sig          signature `json:"sig"`

	Parts map[int]*part `json:"-"` // persisted one file per part
}

// blobRef names an immutable blob of received bytes with its digests; part is one received
// body of an open task: a multipart part, or (number 1) a simple upload's body.
type (
	blobRef = emukit.BlobRef
	part    = emukit.Part
)

func newState() *state {
	return &state{
		SignKey:   []byte(emukit.RandomHex(32)),
		Tokens:    map[string]*token{},
		Libraries: map[string]*libState{},
		Uploads:   map[string]*upload{},
		objects:   map[string]string{},
	}
}

// partsSize is the number of bytes an upload task holds.
func (u *upload) partsSize() int64 {
	var n int64
	for _, p := range u.Parts {
		n += p.Blob.Size
	}
	return n
}
