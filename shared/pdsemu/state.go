package pdsemu

import (
	"time"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// state is everything the emulator knows; e.kit.Lock guards it, and every change goes
// through e.kit.Update, which saves it (with a data directory) before the answer. The
// parts of open uploads live in files of their own (emukit SavePart), so a part PUT
// does not rewrite it.
type state struct {
	SignKey string `json:"signKey"` // HMAC key of presigned part URLs (survives restarts)
	// URLSerial numbers presigned URLs (in OSSAccessKeyId); one at or below
	// URLExpiredThrough was forced to expire (POST /_emulator/expire).
	URLSerial         uint64 `json:"urlSerial"`
	URLExpiredThrough uint64 `json:"urlExpiredThrough"`
	DriveSerial       uint64 `json:"driveSerial"`

	Users    map[string]*user          `json:"users"`
	Drives   map[string]*drive         `json:"drives"`
	Tokens   map[string]*accessToken   `json:"tokens"`   // by access token
	Refresh  map[string]*refreshToken  `json:"refresh"`  // by refresh token
	Codes    map[string]*authCode      `json:"codes"`    // by authorization code
	JTIs     map[string]time.Time      `json:"jtis"`     // assertion ids seen, until their exp
	Uploads  map[string]*upload        `json:"uploads"`  // open uploads by upload_id
	Finished map[string]finishedUpload `json:"finished"` // completed upload_id → file
}

type user struct {
	ID      string    `json:"id"`
	Drive   string    `json:"drive"` // default drive id
	Created time.Time `json:"created"`
}

type drive struct {
	ID    string           `json:"id"`
	Owner string           `json:"owner"`
	Files map[string]*file `json:"files"` // files and folders by file_id
}

type accessToken struct {
	User   string    `json:"user"`
	Client string    `json:"client"`
	Expiry time.Time `json:"expiry"`
}

type refreshToken struct {
	User   string    `json:"user"`
	Client string    `json:"client"`
	Expiry time.Time `json:"expiry"`
}

type authCode struct {
	User     string    `json:"user"`
	Client   string    `json:"client"`
	Redirect string    `json:"redirect"`
	Expiry   time.Time `json:"expiry"`
}

// file is a stored file or a folder of a drive. A file's content is never changed in
// place: a new revision replaces Blobs and the digests together.
type file struct {
	ID          string           `json:"id"`
	Parent      string           `json:"parent"` // "root" or a folder's id
	Name        string           `json:"name"`
	Type        string           `json:"type"` // "file" or "folder"
	Size        int64            `json:"size,omitempty"`
	ContentType string           `json:"contentType,omitempty"`
	SHA1        string           `json:"sha1,omitempty"`    // uppercase hex (content_hash)
	PreHash     string           `json:"preHash,omitempty"` // uppercase hex SHA-1 of the first 1 KiB
	SHA256      string           `json:"sha256,omitempty"`  // lowercase hex (test-control listing)
	CRC64       uint64           `json:"crc64,omitempty"`
	Blobs       []emukit.BlobRef `json:"blobs,omitempty"`
	Created     time.Time        `json:"created"`
	Updated     time.Time        `json:"updated"`
}

// upload is an open upload: the file it will become and the parts received.
type upload struct {
	ID            string    `json:"id"` // upload_id
	Drive         string    `json:"drive"`
	FileID        string    `json:"fileId"`
	Replace       bool      `json:"replace,omitempty"` // a new revision of the existing FileID
	Parent        string    `json:"parent"`
	Name          string    `json:"name"`
	CheckNameMode string    `json:"checkNameMode"`
	Size          int64     `json:"size"`
	PartCount     int       `json:"partCount"` // parts 1..PartCount
	Parallel      bool      `json:"parallel,omitempty"`
	ContentType   string    `json:"contentType,omitempty"`
	Created       time.Time `json:"created"`

	Parts map[int]*emukit.Part `json:"-"` // saved one file per part
}

type finishedUpload struct {
	Drive  string    `json:"drive"`
	FileID string    `json:"fileId"`
	At     time.Time `json:"at"`
}

func newState() *state {
	st := &state{SignKey: emukit.RandomHex(32)}
	st.fill()
	return st
}

// fill makes the maps a fresh, loaded or hand-edited state may lack.
func (st *state) fill() {
	if st.Users == nil {
		st.Users = map[string]*user{}
	}
	if st.Drives == nil {
		st.Drives = map[string]*drive{}
	}
	if st.Tokens == nil {
		st.Tokens = map[string]*accessToken{}
	}
	if st.Refresh == nil {
		st.Refresh = map[string]*refreshToken{}
	}
	if st.Codes == nil {
		st.Codes = map[string]*authCode{}
	}
	if st.JTIs == nil {
		st.JTIs = map[string]time.Time{}
	}
	if st.Uploads == nil {
		st.Uploads = map[string]*upload{}
	}
	if st.Finished == nil {
		st.Finished = map[string]finishedUpload{}
	}
	for _, d := range st.Drives {
		if d.Files == nil {
			d.Files = map[string]*file{}
		}
	}
}

// partsSize is the number of bytes an upload holds.
func (u *upload) partsSize() int64 {
	var n int64
	for _, p := range u.Parts {
		n += p.Blob.Size
	}
	return n
}
