package engine

import "github.com/ferry-upload/ferry/shared/jsonx"

// Hand codecs of what the browser bridge (wasm/internal/bridge) sends the page and reads
// from it: snapshots, totals, errors, results and restorable entries (interfaces.md §4).
// UploadOptions' codec is beside the checkpoint's, which holds them.

func (s *Snapshot) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Str("id", s.ID)
	w.Str("name", s.Name)
	w.Str("path", s.Path)
	w.Int64("size", s.Size)
	w.Str("state", string(s.State))
	w.Int64("loaded", s.Loaded)
	w.Float64("fraction", s.Fraction)
	floatOrNull(w, "bytesPerSecond", s.BytesPerSecond)
	floatOrNull(w, "etaSeconds", s.EtaSeconds)
	if s.Error != nil {
		w.Member("error", s.Error)
	}
	w.ObjectEnd()
}

func (t *Totals) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Int64("loaded", t.Loaded)
	w.Int64("size", t.Size)
	w.Float64("fraction", t.Fraction)
	floatOrNull(w, "bytesPerSecond", t.BytesPerSecond)
	floatOrNull(w, "etaSeconds", t.EtaSeconds)
	w.Int64("active", int64(t.Active))
	w.ObjectEnd()
}

// EncodeJSON writes the error's code and message, never the underlying error (Err).
func (e *Error) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Str("code", e.Code)
	w.Str("message", e.Message)
	w.OptInt64("status", int64(e.Status))
	w.OptStr("requestId", e.RequestID)
	w.OptStr("providerCode", e.ProviderCode)
	w.ObjectEnd()
}

func (e *Error) DecodeJSON(f jsonx.Fields) {
	e.Code = f.Str("code")
	e.Message = f.Str("message")
	e.Status = f.Int("status")
	e.RequestID = f.Str("requestId")
	e.ProviderCode = f.Str("providerCode")
}

func (r *Result) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Str("path", r.Path)
	w.Str("name", r.Name)
	w.Int64("size", r.Size)
	w.Str("crc64", r.CRC64)
	w.Str("eTag", r.ETag)
	w.Flag("rapid", r.Rapid)
	w.ObjectEnd()
}

func (r *Result) DecodeJSON(f jsonx.Fields) {
	r.Path = f.Str("path")
	r.Name = f.Str("name")
	r.Size = f.Int64("size")
	r.CRC64 = f.Str("crc64")
	r.ETag = f.Str("eTag")
	r.Rapid = f.Bool("rapid")
}

func (p *RemotePart) DecodeJSON(f jsonx.Fields) {
	p.N = f.Int("part")
	p.Size = f.Int64("size")
	p.ETag = f.Str("etag")
}

// floatOrNull writes a *float64 member as encoding/json does: null when nil.
func floatOrNull(w *jsonx.Writer, key string, p *float64) {
	if p == nil {
		w.Key(key)
		w.Null()
		return
	}
	w.Float64(key, *p)
}

// floatPtr reads a *float64 member: nil when missing or null.
func floatPtr(f jsonx.Fields, key string) *float64 {
	if !present(f, key) {
		return nil
	}
	n := f.Float64(key)
	return &n
}
