package smh

import (
	"strconv"
	"time"

	"github.com/ferry-upload/ferry/shared/jsonx"
)

// Token is the token API's answer.
type Token struct {
	AccessToken string `json:"accessToken"`
	ExpiresIn   int    `json:"expiresIn"`
}

// Headers are the signed data-plane headers of an upload. SMH may send numbers as values
// (x-cos-traffic-limit); they are kept as their decimal text.
type Headers map[string]string

// UnmarshalJSON accepts string and number values.
func (h *Headers) UnmarshalJSON(b []byte) error {
	var raw map[string]jsonx.RawMessage
	if err := jsonx.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(Headers, len(raw))
	for k, v := range raw {
		var s string
		if jsonx.Unmarshal(v, &s) == nil {
			out[k] = s
			continue
		}
		var n jsonx.NumberText
		if err := jsonx.Unmarshal(v, &n); err != nil {
			return err
		}
		out[k] = n.String()
	}
	*h = out
	return nil
}

// UploadInfo tells a client where and how to PUT an upload's bytes.
type UploadInfo struct {
	Domain     string    `json:"domain"`
	Path       string    `json:"path"`
	UploadID   string    `json:"uploadId,omitempty"`
	Headers    Headers   `json:"headers"`
	ConfirmKey string    `json:"confirmKey"`
	Expiration time.Time `json:"expiration"`
}

// Int64 is a number SMH sends as either a JSON string ("1048576") or a number.
type Int64 int64

// MarshalJSON writes the string form SMH's file objects use, so a file object passed on
// (the token function's /v1/confirm answer) reads as SMH's own.
func (n Int64) MarshalJSON() ([]byte, error) {
	return []byte(`"` + strconv.FormatInt(int64(n), 10) + `"`), nil
}

// UnmarshalJSON accepts "123" and 123.
func (n *Int64) UnmarshalJSON(b []byte) error {
	var s string
	if jsonx.Unmarshal(b, &s) == nil {
		if s == "" {
			*n = 0
			return nil
		}
		v, err := strconv.ParseInt(s, 10, 64)
		*n = Int64(v)
		return err
	}
	var v int64
	err := jsonx.Unmarshal(b, &v)
	*n = Int64(v)
	return err
}

// File is SMH's file object (confirm answer, quick-upload hit, file info).
type File struct {
	Path             []string          `json:"path"`
	Name             string            `json:"name"`
	Type             string            `json:"type"`
	CreationTime     string            `json:"creationTime,omitempty"`
	ModificationTime string            `json:"modificationTime,omitempty"`
	ContentType      string            `json:"contentType,omitempty"`
	Size             Int64             `json:"size"`
	ETag             string            `json:"eTag,omitempty"`
	Crc64            string            `json:"crc64,omitempty"`
	MetaData         map[string]string `json:"metaData,omitempty"`
	Labels           []string          `json:"labels,omitempty"`

	// SizeGiven says whether the answer carried size: a missing size must not read as an
	// empty file. (A missing path needs no flag: it decodes as nil.)
	SizeGiven bool `json:"-"`
}

// UnmarshalJSON decodes a file object, noting whether it carried size.
func (f *File) UnmarshalJSON(b []byte) error {
	type plain File
	var v struct {
		plain
		Size *Int64 `json:"size"` // shallower than plain's: this one takes the value
	}
	if err := jsonx.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = File(v.plain)
	if v.Size != nil {
		f.Size, f.SizeGiven = *v.Size, true
	}
	return nil
}

// Part is one received part of a multipart upload task.
type Part struct {
	PartNumber   int    `json:"PartNumber"`
	LastModified string `json:"LastModified,omitempty"`
	ETag         string `json:"ETag"`
	Size         int64  `json:"Size"`
	SizeGiven    bool   `json:"-"` // the answer carried Size
}

// UnmarshalJSON decodes a part, noting whether it carried Size.
func (p *Part) UnmarshalJSON(b []byte) error {
	type plain Part
	var v struct {
		plain
		Size *int64 `json:"Size"`
	}
	if err := jsonx.Unmarshal(b, &v); err != nil {
		return err
	}
	*p = Part(v.plain)
	if v.Size != nil {
		p.Size, p.SizeGiven = *v.Size, true
	}
	return nil
}

// UploadState is the answer of GET …/{confirmKey}?upload.
type UploadState struct {
	Confirmed                  bool        `json:"confirmed"`
	Path                       []string    `json:"path"`
	Type                       string      `json:"type,omitempty"`
	CreationTime               string      `json:"creationTime,omitempty"`
	ConflictResolutionStrategy string      `json:"conflictResolutionStrategy,omitempty"`
	Force                      bool        `json:"force"`
	UploadID                   string      `json:"uploadId,omitempty"`
	Parts                      []Part      `json:"parts"`
	UploadPartInfo             *UploadInfo `json:"uploadPartInfo,omitempty"`
}
