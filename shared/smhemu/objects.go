package smhemu

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

// uploadInfo tells a client where to PUT bytes and with which headers.
type uploadInfo struct {
	Domain     string            `json:"domain"`
	Path       string            `json:"path"`
	UploadID   string            `json:"uploadId,omitempty"`
	Headers    map[string]string `json:"headers"`
	ConfirmKey string            `json:"confirmKey,omitempty"`
	Expiration string            `json:"expiration"`
}

// info is the upload info of a task: domain is the host the client used for the API, so
// that http(s)://{domain}{path} reaches this emulator's data plane.
func (u *upload) info(host string) uploadInfo {
	h := map[string]string{
		"Content-Type":         "application/octet-stream",
		"Authorization":        u.Sig.Authorization,
		"x-cos-security-token": u.Sig.SecurityToken,
	}
	if u.TrafficLimit > 0 {
		h["x-cos-traffic-limit"] = strconv.FormatInt(u.TrafficLimit, 10)
	}
	return uploadInfo{Domain: host, Path: dataPrefix + u.ObjectKey, UploadID: u.UploadID, Headers: h,
		ConfirmKey: u.ConfirmKey, Expiration: isoTime(u.Sig.End)}
}

// fileObject is SMH's file object (confirm, quick upload, info). size is a string here.
type fileObject struct {
	Path             []string          `json:"path"`
	Name             string            `json:"name"`
	Type             string            `json:"type"`
	CreationTime     string            `json:"creationTime"`
	ModificationTime string            `json:"modificationTime"`
	ContentType      string            `json:"contentType"`
	FileType         string            `json:"fileType"`
	Size             string            `json:"size"`
	ETag             string            `json:"eTag"`
	Crc64            string            `json:"crc64"`
	MetaData         map[string]string `json:"metaData"`
	Labels           []string          `json:"labels,omitempty"`
	Category         string            `json:"category,omitempty"`
	LocalCreation    string            `json:"localCreationTime,omitempty"`
	LocalModified    string            `json:"localModificationTime,omitempty"`
	CosURL           string            `json:"cosUrl,omitempty"`
}

func newFileObject(p []string, n *node) fileObject {
	f := n.File
	_, ftype := contentType(p[len(p)-1])
	meta := f.Meta
	if meta == nil {
		meta = map[string]string{}
	}
	return fileObject{
		Path: slices.Clone(p), Name: p[len(p)-1], Type: fileKind(p[len(p)-1]),
		CreationTime: isoTime(n.Created), ModificationTime: isoTime(n.Modified),
		ContentType: f.ContentType, FileType: ftype, Size: strconv.FormatInt(f.Size, 10), ETag: f.ETag,
		Crc64: crcString(f.CRC64), MetaData: meta, Labels: f.Labels, Category: f.Category,
		LocalCreation: f.LocalCreated, LocalModified: f.LocalModified,
	}
}

// listEntry is one element of a directory listing's contents; size is a number here.
type listEntry struct {
	Name             string            `json:"name"`
	Type             string            `json:"type"`
	CreationTime     string            `json:"creationTime"`
	ModificationTime string            `json:"modificationTime"`
	Size             *int64            `json:"size,omitempty"`
	ContentType      string            `json:"contentType,omitempty"`
	FileType         string            `json:"fileType,omitempty"`
	ETag             string            `json:"eTag,omitempty"`
	Crc64            string            `json:"crc64,omitempty"`
	MetaData         map[string]string `json:"metaData,omitempty"`
	Labels           []string          `json:"labels,omitempty"`
	Category         string            `json:"category,omitempty"`
}

func newListEntry(c child) listEntry {
	le := listEntry{Name: c.name, Type: "dir", CreationTime: isoTime(c.node.Created), ModificationTime: isoTime(c.node.Modified)}
	if f := c.node.File; f != nil {
		size := f.Size
		_, ftype := contentType(c.name)
		le.Type, le.Size, le.ContentType, le.FileType = fileKind(c.name), &size, f.ContentType, ftype
		le.ETag, le.Crc64, le.MetaData, le.Labels, le.Category = f.ETag, crcString(f.CRC64), f.Meta, f.Labels, f.Category
	}
	return le
}

// flexSize is a size sent as a JSON number or a decimal string.
type flexSize struct {
	set bool
	n   int64
}

func (s *flexSize) UnmarshalJSON(b []byte) error {
	str := strings.Trim(string(b), `"`)
	if string(b) == "null" {
		return nil
	}
	n, err := strconv.ParseInt(str, 10, 64)
	if err != nil || n < 0 {
		return ErrInvalidParameter.With("size must be a non-negative integer")
	}
	s.set, s.n = true, n
	return nil
}

// uploadMeta is what begin and confirm bodies may say about the file.
type uploadMeta struct {
	Labels        []string `json:"labels,omitempty"`
	Category      string   `json:"category,omitempty"`
	LocalCreated  string   `json:"localCreationTime,omitempty"`
	LocalModified string   `json:"localModificationTime,omitempty"`
}

// unsupportedBody refuses the bodies that select move, copy, symlink and create from a
// template (smh-sdk-ios QCloudSMHCreateFileRequest), which the emulator does not do.
type unsupportedBody struct {
	From         json.RawMessage `json:"from"`
	CopyFrom     json.RawMessage `json:"copyFrom"`
	LinkTo       json.RawMessage `json:"linkTo"`
	FromTemplate json.RawMessage `json:"fromTemplate"`
}

func (u unsupportedBody) check() error {
	if u.From != nil || u.CopyFrom != nil || u.LinkTo != nil || u.FromTemplate != nil {
		return ErrNotImplemented.With("move, copy, symlink and files from templates are not emulated")
	}
	return nil
}

// parseStrategy reads conflict_resolution_strategy: def when absent, else one of allowed.
func parseStrategy(s, def string, allowed ...string) (string, error) {
	if s == "" {
		return def, nil
	}
	if !slices.Contains(allowed, s) {
		return "", ErrInvalidConflictStrategy.With("conflict_resolution_strategy must be one of %s", strings.Join(allowed, ", "))
	}
	return s, nil
}

func newNode(now time.Time, f *fileData) *node { return &node{Created: now, Modified: now, File: f} }
