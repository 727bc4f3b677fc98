package smh

import (
	"strconv"

	"github.com/ferry-upload/ferry/shared/jsonx"
)

// The bodies the client sends and the answers it reads only in part. Each writes what
// encoding/json writes by its tags; the request bodies' members are in the order
// encoding/json wrote the maps they replace (sorted by key).

// beginBody is the body of begin upload.
type beginBody struct {
	BeginningHash string   `json:"beginningHash,omitempty"`
	FullHash      string   `json:"fullHash,omitempty"`
	Labels        []string `json:"labels,omitempty"`
	Size          string   `json:"size"`
}

func beginBodyOf(r BeginRequest) *beginBody {
	return &beginBody{BeginningHash: r.BeginningHash, FullHash: r.FullHash, Labels: r.Labels, Size: strconv.FormatInt(r.Size, 10)}
}

func (b *beginBody) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.OptStr("beginningHash", b.BeginningHash)
	w.OptStr("fullHash", b.FullHash)
	w.OptStrings("labels", b.Labels)
	w.Str("size", b.Size)
	w.ObjectEnd()
}

// confirmBody is the body of confirm upload.
type confirmBody struct {
	Crc64  string   `json:"crc64,omitempty"`
	Labels []string `json:"labels,omitempty"`
}

func confirmBodyOf(r ConfirmRequest) *confirmBody {
	return &confirmBody{Crc64: r.Crc64, Labels: r.Labels}
}

func (b *confirmBody) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.OptStr("crc64", b.Crc64)
	w.OptStrings("labels", b.Labels)
	w.ObjectEnd()
}

// tokenBody is the body of create token: the caller's attach info, checked and compacted.
type tokenBody struct {
	AttachInfo jsonx.RawMessage `json:"attachInfo"`
}

func tokenBodyOf(attachInfo jsonx.RawMessage) (*tokenBody, error) {
	v, err := jsonx.Parse(attachInfo)
	if err != nil {
		return nil, invalid("create token: attach info is not JSON")
	}
	var w jsonx.Writer
	w.Value(v)
	return &tokenBody{AttachInfo: w.Bytes()}, nil
}

func (b *tokenBody) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.RawMember("attachInfo", b.AttachInfo)
	w.ObjectEnd()
}

// fileList is the answer of a listing read for its files only.
type fileList struct {
	Contents []File `json:"contents"`
}

func (l *fileList) DecodeJSON(f jsonx.Fields) { l.Contents = filesOf(f, "contents") }

// errorBody is the control plane's error answer.
type errorBody struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
}

func (e *errorBody) DecodeJSON(f jsonx.Fields) {
	e.Code = f.Str("code")
	e.Message = f.Str("message")
	e.RequestID = f.Str("requestId")
}

// keyProbe tells begin's upload info (it has a confirm key) from a quick-upload hit's file
// object.
type keyProbe struct {
	ConfirmKey string `json:"confirmKey"`
}

func (p *keyProbe) DecodeJSON(f jsonx.Fields) { p.ConfirmKey = f.Str("confirmKey") }
