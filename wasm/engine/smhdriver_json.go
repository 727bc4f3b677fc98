package engine

import (
	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/smh"
)

// Hand codecs of SMHDriver's session state and of the directory listing lost.go reads; the
// smh types bring their own.

func (s *smhSession) EncodeJSON(w *jsonx.Writer) {
	w.ObjectStart()
	w.Str("apiBase", s.APIBase)
	w.Str("path", s.Path)
	if s.Info == nil {
		w.Key("info")
		w.Null()
	} else {
		w.Member("info", s.Info)
	}
	w.ObjectEnd()
}

func (s *smhSession) DecodeJSON(f jsonx.Fields) {
	s.APIBase = f.Str("apiBase")
	s.Path = f.Str("path")
	if present(f, "info") {
		s.Info = new(smh.UploadInfo)
		f.Decode("info", s.Info)
	}
}

// dirListing is the part of a directory listing FindStored reads.
type dirListing struct {
	Contents []smh.File `json:"contents"`
}

func (l *dirListing) DecodeJSON(f jsonx.Fields) {
	if items, ok := array(f, "contents"); ok {
		l.Contents = make([]smh.File, len(items))
		for i, it := range items {
			l.Contents[i].DecodeJSON(f.Read(it))
		}
	}
}
