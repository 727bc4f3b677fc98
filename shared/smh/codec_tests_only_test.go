package smh

import "github.com/ferry-upload/ferry/shared/jsonx"

// The codec directions the browser build never uses (writing what it only reads, reading
// what it only writes) live here, for the differential tests alone: a method the worker
// does not call still costs ferry.wasm its size, since the linker keeps every EncodeJSON and
// DecodeJSON of a type that reaches an interface.

// EncodeJSON writes the contents only (the marker and total are SMH's to send), as
// encoding/json does by the tags.
func (p *DirectoryPage) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	writeFiles(w, "contents", p.Contents)
	w.ObjectEnd()
}

func (t *Token) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Str("accessToken", t.AccessToken)
	w.Int64("expiresIn", int64(t.ExpiresIn))
	w.ObjectEnd()
}

func (s *UploadState) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Flag("confirmed", s.Confirmed)
	w.Strings("path", s.Path)
	w.OptStr("type", s.Type)
	w.OptStr("creationTime", s.CreationTime)
	w.OptStr("conflictResolutionStrategy", s.ConflictResolutionStrategy)
	w.Flag("force", s.Force)
	w.OptStr("uploadId", s.UploadID)
	w.Key("parts")
	if s.Parts == nil {
		w.Null()
	} else {
		w.ArrayStart()
		for i := range s.Parts {
			s.Parts[i].EncodeJSON(w)
		}
		w.ArrayEnd()
	}
	if s.UploadPartInfo != nil {
		w.Member("uploadPartInfo", s.UploadPartInfo)
	}
	w.ObjectEnd()
}

func (l *fileList) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	writeFiles(w, "contents", l.Contents)
	w.ObjectEnd()
}
