package engine

import (
	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/shared/jsonx"
)

// Hand codecs of the checkpoint and its parts (the browser build links no reflective JSON):
// they write what encoding/json writes by the types' tags, so checkpoints stored before
// load as they were.

func (c *Checkpoint) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Int64("v", int64(c.V))
	w.Str("id", c.ID)
	w.Str("driver", c.Driver)
	w.Str("library", c.Library)
	w.Str("space", c.Space)
	w.OptStr("userId", c.UserID)
	w.Str("path", c.Path)
	w.Str("name", c.Name)
	w.Int64("size", c.Size)
	w.Int64("lastModified", c.LastModified)
	w.Str("beginningHash", c.BeginningHash)
	w.Member("options", &c.Options)
	w.Int64("partSize", c.PartSize)
	w.OptStr("hashScheme", c.HashScheme)
	if c.Chain != nil {
		w.Member("chain", (*chainState)(c.Chain))
	}
	w.OptStr("sha1", c.SHA1)
	w.OptStr("sha1Crc64", c.SHA1CRC64)
	if c.Session != nil {
		w.Member("session", c.Session)
	}
	if len(c.Parts) != 0 {
		w.Key("parts")
		w.ArrayStart()
		for i := range c.Parts {
			c.Parts[i].EncodeJSON(w)
		}
		w.ArrayEnd()
	}
	w.OptFlag("confirming", c.Confirming)
	w.Int64("updated", c.Updated)
	w.ObjectEnd()
}

func (c *Checkpoint) DecodeJSON(f jsonx.Fields) {
	c.V = f.Int("v")
	c.ID = f.Str("id")
	c.Driver = f.Str("driver")
	c.Library = f.Str("library")
	c.Space = f.Str("space")
	c.UserID = f.Str("userId")
	c.Path = f.Str("path")
	c.Name = f.Str("name")
	c.Size = f.Int64("size")
	c.LastModified = f.Int64("lastModified")
	c.BeginningHash = f.Str("beginningHash")
	f.Decode("options", &c.Options)
	c.PartSize = f.Int64("partSize")
	c.HashScheme = f.Str("hashScheme")
	if present(f, "chain") {
		c.Chain = new(hashes.ChainState)
		f.Decode("chain", (*chainState)(c.Chain))
	}
	c.SHA1 = f.Str("sha1")
	c.SHA1CRC64 = f.Str("sha1Crc64")
	if present(f, "session") {
		c.Session = new(Session)
		f.Decode("session", c.Session)
	}
	if items, ok := array(f, "parts"); ok {
		c.Parts = make([]PartRecord, len(items))
		for i, it := range items {
			c.Parts[i].DecodeJSON(f.Read(it))
		}
	}
	c.Confirming = f.Bool("confirming")
	c.Updated = f.Int64("updated")
}

func (p *PartRecord) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Int64("n", int64(p.N))
	w.Int64("s", p.Size)
	w.QuotedUint64("c", p.CRC64) // a CRC-64 is a string: JavaScript's numbers cannot hold it
	w.ObjectEnd()
}

func (p *PartRecord) DecodeJSON(f jsonx.Fields) {
	p.N = f.Int("n")
	p.Size = f.Int64("s")
	p.CRC64 = f.QuotedUint64("c")
}

func (s *Session) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Str("key", s.Key)
	w.Flag("multipart", s.Multipart)
	w.OptInt64("partSize", s.PartSize)
	w.OptFlag("ordered", s.Ordered)
	w.OptFlag("appendOnly", s.AppendOnly)
	w.Time("expires", s.Expires)
	w.RawMember("data", s.Data) // compact: written by jsonx.Encode or read by Fields.Raw
	w.ObjectEnd()
}

func (s *Session) DecodeJSON(f jsonx.Fields) {
	s.Key = f.Str("key")
	s.Multipart = f.Bool("multipart")
	s.PartSize = f.Int64("partSize")
	s.Ordered = f.Bool("ordered")
	s.AppendOnly = f.Bool("appendOnly")
	s.Expires = f.Time("expires")
	s.Data = f.Raw("data")
}

func (o *UploadOptions) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.OptStr("path", o.Path)
	w.OptStr("conflict", o.Conflict)
	w.OptStrings("labels", o.Labels)
	w.OptStrMap("meta", o.Meta)
	w.ObjectEnd()
}

func (o *UploadOptions) DecodeJSON(f jsonx.Fields) {
	o.Path = f.Str("path")
	o.Conflict = f.Str("conflict")
	o.Labels = f.Strings("labels")
	o.Meta = f.StrMap("meta")
}

// chainState is hashes.ChainState with a codec (shared/hashes links no JSON).
type chainState hashes.ChainState

func (c *chainState) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Str("first", c.First)
	w.Str("last", c.Last)
	w.Int64("blocks", c.Blocks)
	w.ObjectEnd()
}

func (c *chainState) DecodeJSON(f jsonx.Fields) {
	c.First = f.Str("first")
	c.Last = f.Str("last")
	c.Blocks = f.Int64("blocks")
}

// present reports whether f has a member key that is not null: a pointer field
// encoding/json would set.
func present(f jsonx.Fields, key string) bool {
	v := f.Value(key)
	return v.Exists() && !v.IsNull()
}

// array is the array under key, and whether there is one: encoding/json leaves a slice nil
// for a missing or null member and makes an empty one for []. Another kind is f's error.
func array(f jsonx.Fields, key string) ([]jsonx.Value, bool) {
	items := f.Array(key)
	return items, f.Value(key).Kind() == jsonx.Array
}
