package engine

import "github.com/ferry-upload/ferry/shared/jsonx"

// Hand codecs of the brokered routes' bodies and answers (interfaces.md §5.2) and of
// BrokeredDriver's session state: requests are only written, answers only read.

func (s *brokeredSession) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Str("provider", s.Provider)
	w.Str("path", s.Path)
	w.Int64("size", s.Size)
	w.ObjectEnd()
}

func (s *brokeredSession) DecodeJSON(f jsonx.Fields) {
	s.Provider = f.Str("provider")
	s.Path = f.Str("path")
	s.Size = f.Int64("size")
}

func (b *beginBody) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.OptStr("spaceId", b.SpaceID)
	w.Str("path", b.Path)
	w.Int64("size", b.Size)
	w.OptStr("conflict", b.Conflict)
	w.OptInt64("partSize", b.PartSize)
	w.OptStrings("labels", b.Labels)
	w.OptStrMap("meta", b.Meta)
	w.OptStrMap("hashes", b.Hashes)
	w.ObjectEnd()
}

// targetsBody asks for the targets of parts (POST /{id}/targets).
type targetsBody struct {
	Parts []int `json:"parts"`
}

func (b *targetsBody) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Key("parts")
	if b.Parts == nil {
		w.Null()
	} else {
		w.ArrayStart()
		for _, n := range b.Parts {
			w.Int(int64(n))
		}
		w.ArrayEnd()
	}
	w.ObjectEnd()
}

// completeBody completes an upload (POST /{id}/complete) with the file's CRC-64 (decimal).
type completeBody struct {
	CRC64 string `json:"crc64"`
}

func (b *completeBody) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Str("crc64", b.CRC64)
	w.ObjectEnd()
}

func (a *answer) DecodeJSON(f jsonx.Fields) {
	if present(f, "upload") {
		a.Upload = new(upload)
		f.Decode("upload", a.Upload)
	}
	if present(f, "file") {
		a.File = new(Result)
		f.Decode("file", a.File)
	}
	a.Targets = decodeTargets(f, "targets")
	a.Expires = f.Time("expiresAt")
	if items, ok := array(f, "stored"); ok {
		a.Stored = make([]RemotePart, len(items))
		for i, it := range items {
			a.Stored[i].DecodeJSON(f.Read(it))
		}
	}
	a.Rapid = f.Bool("rapid")
}

func (u *upload) DecodeJSON(f jsonx.Fields) {
	u.ID = f.Str("id")
	u.Path = f.Str("path")
	u.Size = f.Int64("size")
	u.PartSize = f.Int64("partSize")
	u.Parts = f.Int("parts")
	u.Ordered = f.Bool("ordered")
	u.Expires = f.Time("expiresAt")
	u.Targets = decodeTargets(f, "targets")
}

func (t *target) DecodeJSON(f jsonx.Fields) {
	t.Part = f.Int("part")
	t.Offset = f.Int64("offset")
	t.Length = f.Int64("length")
	t.Method = f.Str("method")
	t.URL = f.Str("url")
	t.Headers = f.StrMap("headers")
	t.Expires = f.Time("expiresAt")
}

func decodeTargets(f jsonx.Fields, key string) []target {
	items, ok := array(f, key)
	if !ok {
		return nil
	}
	out := make([]target, len(items))
	for i, it := range items {
		out[i].DecodeJSON(f.Read(it))
	}
	return out
}
