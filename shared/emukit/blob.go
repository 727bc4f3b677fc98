package emukit

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc64"
	"io"
	"time"
)

// BlobRef names an immutable blob of bytes (a received part, later part of a file) with
// the digests computed while it was received.
type BlobRef struct {
	ID    string `json:"id"`
	Size  int64  `json:"size"`
	MD5   string `json:"md5"`   // lowercase hex
	CRC64 uint64 `json:"crc64"` // CRC-64/XZ (what COS and PDS call crc64ecma)
	// Head is the SHA-256 of the first min(Size, HeadSize) bytes (SMH's quick-upload
	// beginningHash of a file's first part).
	Head string `json:"head"`
}

// HeadSize is how many leading bytes BlobRef.Head covers.
const HeadSize = 1 << 20

// MaxBlobSize is the largest blob the store takes (COS's largest part).
const MaxBlobSize = 5 << 30

// Part is one received body of an open upload: a numbered part, or (number 1) the one body
// of a simple upload. The kit saves each in a small file of its own (SavePart), so that
// receiving a part does not rewrite the whole state.
type Part struct {
	Number   int       `json:"number"`
	Blob     BlobRef   `json:"blob"`
	Modified time.Time `json:"modified"`
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
	write(r io.Reader, size int64) (BlobRef, error)
	open(id string) (blobReader, error)
	remove(id string)
	// list returns the ids of all blobs (for garbage collection after a restart).
	list() ([]string, error)
}

// ErrShortBody is WriteBlob's error when the reader ends before the size it announced.
var ErrShortBody = errors.New("emukit: body shorter than its Content-Length")

// ErrLongBody is WriteBlob's error when the reader holds more than the size it announced.
var ErrLongBody = errors.New("emukit: body longer than its Content-Length")

var crcTable = crc64.MakeTable(crc64.ECMA) // reflected, all-ones init and xorout: CRC-64/XZ

// hashingWriter computes a blob's digests as its bytes go by.
type hashingWriter struct {
	md5  hash.Hash
	head hash.Hash
	crc  uint64
	n    int64
}

func newHashingWriter() *hashingWriter { return &hashingWriter{md5: md5.New(), head: sha256.New()} }

func (h *hashingWriter) Write(p []byte) (int, error) {
	h.md5.Write(p)
	h.crc = crc64.Update(h.crc, crcTable, p)
	if h.n < HeadSize {
		h.head.Write(p[:min(int64(len(p)), HeadSize-h.n)])
	}
	h.n += int64(len(p))
	return len(p), nil
}

func (h *hashingWriter) ref(id string) BlobRef {
	return BlobRef{ID: id, Size: h.n, MD5: hex.EncodeToString(h.md5.Sum(nil)), CRC64: h.crc,
		Head: hex.EncodeToString(h.head.Sum(nil))}
}

func checkBlobSize(size int64) error {
	if size < 0 || size > MaxBlobSize {
		return fmt.Errorf("emukit: bad blob size %d", size)
	}
	return nil
}

// expectEOF checks that r has nothing after the declared size.
func expectEOF(r io.Reader) error {
	var one [1]byte
	n, err := r.Read(one[:])
	if n > 0 {
		return ErrLongBody
	}
	if err != nil && err != io.EOF {
		return err
	}
	return nil
}

// Content presents a file's blobs as one sequence of bytes, without copying them.
type Content struct {
	parts []blobReader
	offs  []int64 // start offset of each part
	size  int64
}

// Size is the number of bytes of the content.
func (m *Content) Size() int64 { return m.size }

// ReadAt reads the content as if it were one blob.
func (m *Content) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("emukit: negative offset")
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

// Close releases the blobs.
func (m *Content) Close() error {
	var first error
	for _, p := range m.parts {
		if err := p.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// WriteBlob reads exactly size bytes from r into a new blob (streamed to disk with a
// data directory, never held in memory there), computing its digests on the way. A body
// that ends early (ErrShortBody), holds more (ErrLongBody) or fails keeps nothing. The
// blob is garbage at the next start unless the saved state refers to it.
func (k *Kit) WriteBlob(r io.Reader, size int64) (BlobRef, error) { return k.store.write(r, size) }

// RemoveBlob deletes a blob at once: one that no state refers to (a part that lost a
// race). Blobs the state may still share go through Release.
func (k *Kit) RemoveBlob(id string) { k.store.remove(id) }

// OpenContent opens blobs as one sequence of bytes (a file made of parts).
func (k *Kit) OpenContent(blobs []BlobRef) (*Content, error) {
	m := &Content{}
	for _, b := range blobs {
		r, err := k.store.open(b.ID)
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
