package smh

import (
	"strconv"

	"github.com/ferry-upload/ferry/shared/jsonx"
)

// Hand codecs of SMH's objects: the bytes encoding/json writes for the same value (by the
// json tags, which stay as the wire's documentation), and SMH's leniencies on reading
// (sizes as string or number, header values as numbers, a marker that is a number).

func (t *Token) DecodeJSON(f jsonx.Fields) {
	t.AccessToken = f.Str("accessToken")
	t.ExpiresIn = f.Int("expiresIn")
}

func (i *UploadInfo) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Str("domain", i.Domain)
	w.Str("path", i.Path)
	w.OptStr("uploadId", i.UploadID)
	w.StrMap("headers", i.Headers)
	w.Str("confirmKey", i.ConfirmKey)
	w.Time("expiration", i.Expiration)
	w.ObjectEnd()
}

func (i *UploadInfo) DecodeJSON(f jsonx.Fields) {
	i.Domain = f.Str("domain")
	i.Path = f.Str("path")
	i.UploadID = f.Str("uploadId")
	i.Headers = headersOf(f, "headers")
	i.ConfirmKey = f.Str("confirmKey")
	i.Expiration = f.Time("expiration")
}

func (x *File) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Strings("path", x.Path)
	w.Str("name", x.Name)
	w.Str("type", x.Type)
	w.OptStr("creationTime", x.CreationTime)
	w.OptStr("modificationTime", x.ModificationTime)
	w.OptStr("contentType", x.ContentType)
	w.Str("size", strconv.FormatInt(int64(x.Size), 10)) // as Int64.MarshalJSON
	w.OptStr("eTag", x.ETag)
	w.OptStr("crc64", x.Crc64)
	w.OptStrMap("metaData", x.MetaData)
	w.OptStrings("labels", x.Labels)
	w.ObjectEnd()
}

func (x *File) DecodeJSON(f jsonx.Fields) {
	x.Path = f.Strings("path")
	x.Name = f.Str("name")
	x.Type = f.Str("type")
	x.CreationTime = f.Str("creationTime")
	x.ModificationTime = f.Str("modificationTime")
	x.ContentType = f.Str("contentType")
	x.Size, x.SizeGiven = int64Of(f, "size")
	x.ETag = f.Str("eTag")
	x.Crc64 = f.Str("crc64")
	x.MetaData = f.StrMap("metaData")
	x.Labels = f.Strings("labels")
}

func (p *Part) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Int64("PartNumber", int64(p.PartNumber))
	w.OptStr("LastModified", p.LastModified)
	w.Str("ETag", p.ETag)
	w.Int64("Size", p.Size)
	w.ObjectEnd()
}

func (p *Part) DecodeJSON(f jsonx.Fields) {
	p.PartNumber = f.Int("PartNumber")
	p.LastModified = f.Str("LastModified")
	p.ETag = f.Str("ETag")
	v := f.Value("Size")
	p.Size, p.SizeGiven = f.Int64("Size"), v.Exists() && !v.IsNull()
}

func (s *UploadState) DecodeJSON(f jsonx.Fields) {
	s.Confirmed = f.Bool("confirmed")
	s.Path = f.Strings("path")
	s.Type = f.Str("type")
	s.CreationTime = f.Str("creationTime")
	s.ConflictResolutionStrategy = f.Str("conflictResolutionStrategy")
	s.Force = f.Bool("force")
	s.UploadID = f.Str("uploadId")
	s.Parts = nil
	if items := f.Array("parts"); f.Value("parts").Kind() == jsonx.Array {
		s.Parts = make([]Part, len(items))
		for i, it := range items {
			s.Parts[i].DecodeJSON(f.Read(it))
		}
	}
	s.UploadPartInfo = nil
	if v := f.Value("uploadPartInfo"); v.Exists() && !v.IsNull() {
		s.UploadPartInfo = new(UploadInfo)
		f.Decode("uploadPartInfo", s.UploadPartInfo)
	}
}

// DecodeJSON reads a page; SMH's marker is opaque text, sent as a string or a number.
func (p *DirectoryPage) DecodeJSON(f jsonx.Fields) {
	p.Contents = filesOf(f, "contents")
	n, given := int64Of(f, "totalNum")
	p.TotalNum, p.TotalGiven = int64(n), given
	p.NextMarker = ""
	switch v := f.Value("nextMarker"); v.Kind() {
	case jsonx.String:
		p.NextMarker, _ = v.Str()
	case jsonx.Number:
		p.NextMarker, _ = v.Number()
	default:
		f.Str("nextMarker") // missing or null: no marker; any other kind: the error
	}
}

func writeFiles(w *jsonx.Writer, k string, files []File) {
	w.Key(k)
	if files == nil {
		w.Null()
		return
	}
	w.ArrayStart()
	for i := range files {
		files[i].EncodeJSON(w)
	}
	w.ArrayEnd()
}

// filesOf reads an array of file objects: nil when missing or null, empty for [].
func filesOf(f jsonx.Fields, key string) []File {
	items := f.Array(key)
	if f.Value(key).Kind() != jsonx.Array {
		return nil
	}
	out := make([]File, len(items))
	for i, it := range items {
		out[i].DecodeJSON(f.Read(it))
	}
	return out
}

// int64Of reads a number SMH sends as a JSON string ("1048576", "" for 0) or a number, and
// whether the member was there (not missing, not null).
func int64Of(f jsonx.Fields, key string) (Int64, bool) {
	v := f.Value(key)
	s, ok := v.Str()
	if !ok {
		return Int64(f.Int64(key)), v.Exists() && !v.IsNull()
	}
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f.Fail(key, "an integer or a string holding one")
	}
	return Int64(n), true
}

// headersOf reads signed headers (see headersFrom). A null object is an empty map, as
// UnmarshalJSON has always made of it.
func headersOf(f jsonx.Fields, key string) Headers {
	v := f.Value(key)
	if v.Kind() != jsonx.Object {
		f.Object(key) // missing or null: no error; any other kind: the error
		if v.IsNull() {
			return Headers{}
		}
		return nil
	}
	h, bad, ok := headersFrom(v)
	if !ok {
		f.Object(key).Fail(bad, "a string or a number")
	}
	return h
}

// headersFrom reads an object of header values: strings as they are, numbers as their
// decimal text, null as "". bad names a value of another kind.
func headersFrom(v jsonx.Value) (h Headers, bad string, ok bool) {
	h = make(Headers, v.Len())
	for _, m := range v.Members() {
		// The last of a repeated name is the one kept, and the one checked.
		s, ok := headerText(v.Get(m.Key))
		if !ok {
			return h, m.Key, false
		}
		h[m.Key] = s
	}
	return h, "", true
}

func headerText(v jsonx.Value) (string, bool) {
	if s, ok := v.Number(); ok {
		return s, true
	}
	s, ok := v.Str()
	return s, ok || v.IsNull()
}
