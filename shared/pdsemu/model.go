package pdsemu

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ferry-upload/ferry/shared/emukit"
)

const (
	typeFile   = "file"
	typeFolder = "folder"
	rootID     = "root"

	maxParts    = 10000
	maxPartSize = 5 << 30 // OSS's largest part
	maxNameLen  = 1024    // bytes of UTF-8
	preHashSize = 1024    // pre_hash covers the first 1 KiB
)

// fileObject is PDS's File model, the fields that matter to clients.
type fileObject struct {
	DomainID        string `json:"domain_id"`
	DriveID         string `json:"drive_id"`
	FileID          string `json:"file_id"`
	Name            string `json:"name"`
	ParentFileID    string `json:"parent_file_id"`
	Type            string `json:"type"`
	Size            *int64 `json:"size,omitempty"`
	FileExtension   string `json:"file_extension,omitempty"`
	ContentType     string `json:"content_type,omitempty"`
	ContentHash     string `json:"content_hash,omitempty"`
	ContentHashName string `json:"content_hash_name,omitempty"`
	Crc64Hash       string `json:"crc64_hash,omitempty"`
	Status          string `json:"status"`
	CreatedAt       string `json:"created_at"`
	UpdatedAt       string `json:"updated_at"`
}

func (e *Emulator) fileObject(driveID string, f *file) fileObject {
	o := fileObject{DomainID: e.cfg.domain, DriveID: driveID, FileID: f.ID, Name: f.Name, ParentFileID: f.Parent,
		Type: f.Type, Status: "available", CreatedAt: isoTime(f.Created), UpdatedAt: isoTime(f.Updated)}
	if f.Type == typeFile {
		size := f.Size
		o.Size, o.ContentType, o.ContentHash, o.ContentHashName = &size, f.ContentType, f.SHA1, "sha1"
		o.Crc64Hash = uitoa(f.CRC64)
		if i := strings.LastIndexByte(f.Name, '.'); i > 0 {
			o.FileExtension = f.Name[i+1:]
		}
	}
	return o
}

// partInfo is PDS's UploadPartInfo.
type partInfo struct {
	PartNumber        int    `json:"part_number"`
	UploadURL         string `json:"upload_url,omitempty"`
	InternalUploadURL string `json:"internal_upload_url,omitempty"`
	ContentType       string `json:"content_type"`
	ETag              string `json:"etag,omitempty"`
	PartSize          *int64 `json:"part_size,omitempty"`
}

// partRequest is an element of a request's part_info_list.
type partRequest struct {
	PartNumber      int             `json:"part_number"`
	PartSize        *int64          `json:"part_size,omitempty"`
	ETag            string          `json:"etag,omitempty"`
	ContentMD5      string          `json:"content_md5,omitempty"`
	ParallelSHA1Ctx json.RawMessage `json:"parallel_sha1_ctx,omitempty"`
}

// flexInt is a number sent as a JSON number or a decimal string.
type flexInt struct {
	set bool
	n   int64
}

func (s *flexInt) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	n, err := strconv.ParseInt(strings.Trim(string(b), `"`), 10, 64)
	if err != nil {
		return ErrInvalidParameter.With("%s is not an integer", b)
	}
	s.set, s.n = true, n
	return nil
}

func uitoa(v uint64) string { return strconv.FormatUint(v, 10) }

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// checkName applies PDS's name rules: 1..1024 bytes of UTF-8, no '/'; the emulator also
// refuses "." and "..", NUL and other control characters.
func checkName(name string) error {
	switch {
	case name == "":
		return ErrInvalidParameterMissing.With("name is required")
	case len(name) > maxNameLen:
		return ErrInvalidParameter.With("name is longer than %d bytes", maxNameLen)
	case !utf8.ValidString(name):
		return ErrInvalidParameter.With("name is not valid UTF-8")
	case strings.Contains(name, "/"):
		return ErrInvalidParameter.With("name must not contain '/'")
	case name == "." || name == "..":
		return ErrInvalidParameter.With("name must not be . or ..")
	case strings.IndexFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0:
		return ErrInvalidParameter.With("name must not contain control characters")
	}
	return nil
}

// sha1Hex reads an optional SHA-1 in hex (either case) as uppercase.
func sha1Hex(field, s string) (string, error) {
	if s == "" {
		return "", nil
	}
	if len(s) != 40 || strings.Trim(strings.ToLower(s), "0123456789abcdef") != "" {
		return "", ErrInvalidParameter.With("%s must be 40 hex digits (SHA-1)", field)
	}
	return strings.ToUpper(s), nil
}

func newFileID() string   { return emukit.RandomHex(20) }
func newUploadID() string { return strings.ToUpper(emukit.RandomHex(16)) }
