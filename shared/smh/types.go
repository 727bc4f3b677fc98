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

// UnmarshalJSON accepts string and number values, for native code that reads upload info
// with encoding/json (the client itself reads it with UploadInfo's hand codec).
func (h *Headers) UnmarshalJSON(b []byte) error {
	v, err := jsonx.Parse(b)
	if err != nil {
		return err
	}
	if v.IsNull() {
		*h = Headers{}
		return nil
	}
	if v.Kind() != jsonx.Object {
		return &jsonx.Error{Offset: v.Offset(), Msg: "headers: want an object"}
	}
	out, bad, ok := headersFrom(v)
	if !ok {
		return &jsonx.Error{Offset: v.Get(bad).Offset(), Msg: "headers." + bad + ": want a string or a number"}
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

// Int64 is a number SMH sends as either a JSON string ("1048576") or a number; the hand
// codecs of the types holding one read both.
type Int64 int64

// MarshalJSON writes the string form SMH's file objects use, so a file object passed on
// (the token function's /v1/confirm answer) reads as SMH's own.
func (n Int64) MarshalJSON() ([]byte, error) {
	return []byte(`"` + strconv.FormatInt(int64(n), 10) + `"`), nil
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

// UnmarshalJSON reads a file object through its hand codec, noting whether it carried
// size, for native code that reads one with encoding/json (the token function's confirm
// answer, in its tests).
func (f *File) UnmarshalJSON(b []byte) error { return jsonx.Decode(b, f) }

// Part is one received part of a multipart upload task.
type Part struct {
	PartNumber   int    `json:"PartNumber"`
	LastModified string `json:"LastModified,omitempty"`
	ETag         string `json:"ETag"`
	Size         int64  `json:"Size"`
	SizeGiven    bool   `json:"-"` // the answer carried Size
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
