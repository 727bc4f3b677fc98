package engine

import (
	"bytes"
	"io"
)

// Source is a file to upload: random access to its bytes and the facts that identify it.
// In the browser it is a File (Blob slices read on demand); natively an *os.File or bytes.
type Source interface {
	io.ReaderAt
	Size() int64
	Name() string
	// LastModified is in milliseconds since the Unix epoch, as File.lastModified gives it.
	LastModified() int64
}

// Typed is implemented by sources that know their MIME type (a browser File's type).
type Typed interface{ Type() string }

// BytesSource is a Source over bytes in memory (tests, small files).
type BytesSource struct {
	FileName string
	Modified int64 // ms since the epoch
	MIMEType string
	Data     []byte
}

func (s *BytesSource) ReadAt(p []byte, off int64) (int, error) {
	return bytes.NewReader(s.Data).ReadAt(p, off)
}
func (s *BytesSource) Size() int64         { return int64(len(s.Data)) }
func (s *BytesSource) Name() string        { return s.FileName }
func (s *BytesSource) LastModified() int64 { return s.Modified }
func (s *BytesSource) Type() string        { return s.MIMEType }

// readFull reads exactly len(p) bytes at off; any failure is a *readError (retried like a
// network error: a browser may fail a read transiently with NotReadableError).
func readFull(src Source, p []byte, off int64) error {
	n, err := src.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return &readError{Err: err}
}
