package engine

import "github.com/ferry-upload/ferry/shared/jsonx"

// The codec directions the browser build never uses (writing what it only reads, reading
// what it only writes) live here, for the differential tests alone: a method the worker
// does not call still costs ferry.wasm its size, since the linker keeps every EncodeJSON and
// DecodeJSON of a type that reaches an interface.

func (p *RemotePart) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Int64("part", int64(p.N))
	w.Int64("size", p.Size)
	w.Str("etag", p.ETag)
	w.ObjectEnd()
}

func (r *Restorable) DecodeJSON(f jsonx.Fields) {
	r.ID = f.Str("id")
	r.Name = f.Str("name")
	r.Path = f.Str("path")
	r.Size = f.Int64("size")
	r.LastModified = f.Int64("lastModified")
	r.Fraction = f.Float64("fraction")
}

func (r *Restorable) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Str("id", r.ID)
	w.Str("name", r.Name)
	w.Str("path", r.Path)
	w.Int64("size", r.Size)
	w.Int64("lastModified", r.LastModified)
	w.Float64("fraction", r.Fraction)
	w.ObjectEnd()
}

func (s *Snapshot) DecodeJSON(f jsonx.Fields) {
	s.ID = f.Str("id")
	s.Name = f.Str("name")
	s.Path = f.Str("path")
	s.Size = f.Int64("size")
	s.State = State(f.Str("state"))
	s.Loaded = f.Int64("loaded")
	s.Fraction = f.Float64("fraction")
	s.BytesPerSecond = floatPtr(f, "bytesPerSecond")
	s.EtaSeconds = floatPtr(f, "etaSeconds")
	if present(f, "error") {
		s.Error = new(Error)
		f.Decode("error", s.Error)
	}
}

func (t *Totals) DecodeJSON(f jsonx.Fields) {
	t.Loaded = f.Int64("loaded")
	t.Size = f.Int64("size")
	t.Fraction = f.Float64("fraction")
	t.BytesPerSecond = floatPtr(f, "bytesPerSecond")
	t.EtaSeconds = floatPtr(f, "etaSeconds")
	t.Active = f.Int("active")
}
