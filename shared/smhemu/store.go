package smhemu

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc64"
	"io"
)

// blobRef names an immutable blob of bytes (a received part, later part of a file) with
// the digests computed while it was received.
type blobRef struct {
	ID    string `json:"id"`
	Size  int64  `json:"size"`
	MD5   string `json:"md5"`   // lowercase hex
	CRC64 uint64 `json:"crc64"` // CRC-64/XZ
	// Head is the SHA-256 of the first min(Size, 1 MiB) bytes: of a file's first part it is
	// the file's quick-upload beginningHash (every part but the last is at least 1 MiB).
	Head string `json:"head"`
}

// blobReader reads one blob.
type blobReader interface {
	io.ReaderAt
	io.Closer
}

// blobStore keeps blobs in memory (storeMem) or on disk (storeDisk).
type blobStore interface {
	// write reads exactly size bytes from r into a new blob, hashing them on the way.
	// When r ends early or fails, nothing is kept and the error is returned.
	write(r io.Reader, size int64) (blobRef, error)
	open(id string) (blobReader, error)
	remove(id string)
	// list returns the ids of all blobs (for garbage collection after a restart).
	list() ([]string, error)
}

var errShortBody = errors.New("smhemu: body shorter than its Content-Length")

// hashingWriter computes a blob's MD5 and CRC-64 as its bytes go by.
type hashingWriter struct {
	md5 interface {
		io.Writer
		Sum([]byte) []byte
	}
	head hash.Hash
	crc  uint64
	n    int64
}

func newHashingWriter() *hashingWriter { return &hashingWriter{md5: md5.New(), head: sha256.New()} }

func (h *hashingWriter) Write(p []byte) (int, error) {
	h.md5.Write(p)
	h.crc = crc64.Update(h.crc, crcTable, p)
	if h.n < quickBlock {
		h.head.Write(p[:min(int64(len(p)), quickBlock-h.n)])
	}
	h.n += int64(len(p))
	return len(p), nil
}

func (h *hashingWriter) ref(id string) blobRef {
	return blobRef{ID: id, Size: h.n, MD5: hex.EncodeToString(h.md5.Sum(nil)), CRC64: h.crc,
		Head: hex.EncodeToString(h.head.Sum(nil))}
}

// refOf hashes a blob that is already in memory.
func refOf(id string, b []byte) blobRef {
	h := newHashingWriter()
	h.Write(b)
	return h.ref(id)
}

// expectEOF checks that r has nothing after the declared size.
func expectEOF(r io.Reader) error {
	var one [1]byte
	n, err := r.Read(one[:])
	if n > 0 {
		return fmt.Errorf("smhemu: body longer than its Content-Length")
	}
	if err != nil && err != io.EOF {
		return err
	}
	return nil
}

// multiReaderAt presents blobs as one sequence of bytes, without copying them.
type multiReaderAt struct {
	parts []blobReader
	offs  []int64 // start offset of each part
	size  int64
}

func (m *multiReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("smhemu: negative offset")
	}
	total := 0
	for i := range m.parts {
		end := m.size
		if i+1 < len(m.offs) {
			end = m.offs[i+1]
		}
		if off >= end || len(p) == 0 {
			continue
		}
		want := min(int64(len(p)), end-off)
		n, err := m.parts[i].ReadAt(p[:want], off-m.offs[i])
		total += n
		if int64(n) < want {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return total, err
		}
		p, off = p[n:], off+int64(n)
	}
	if len(p) > 0 {
		return total, io.EOF
	}
	return total, nil
}

func (m *multiReaderAt) Close() error {
	var first error
	for _, p := range m.parts {
		if err := p.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// openContent opens a file's blobs as one reader.
func openContent(store blobStore, blobs []blobRef) (*multiReaderAt, error) {
	m := &multiReaderAt{}
	for _, b := range blobs {
		r, err := store.open(b.ID)
		if err != nil {
			m.Close()
			return nil, err
		}
		m.parts = append(m.parts, r)
		m.offs = append(m.offs, m.size)
		m.size += b.Size
	}
	return m, nil
}
