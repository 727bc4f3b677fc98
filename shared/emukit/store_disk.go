package emukit

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// storeDisk streams each blob into a temporary file while hashing it, then renames it
// into blobs/, so a blob is either complete or absent, and never held in memory.
type storeDisk struct {
	dir string // DataDir/blobs
	tmp string // DataDir/tmp
}

func newStoreDisk(dataDir string) (*storeDisk, error) {
	s := &storeDisk{dir: filepath.Join(dataDir, "blobs"), tmp: filepath.Join(dataDir, "tmp")}
	// Leftovers of an interrupted write are never part of the state: drop them.
	if err := os.RemoveAll(s.tmp); err != nil {
		return nil, err
	}
	for _, d := range []string{s.dir, s.tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *storeDisk) write(r io.Reader, size int64) (ref BlobRef, err error) {
	if err := checkBlobSize(size); err != nil {
		return BlobRef{}, err
	}
	f, err := os.CreateTemp(s.tmp, "blob-*")
	if err != nil {
		return BlobRef{}, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	h := newHashingWriter()
	buf := make([]byte, 256<<10)
	n, err := io.CopyBuffer(io.MultiWriter(f, h), io.LimitReader(r, size), buf)
	if err != nil {
		return BlobRef{}, err
	}
	if n < size {
		return BlobRef{}, ErrShortBody
	}
	if err = expectEOF(r); err != nil {
		return BlobRef{}, err
	}
	if err = f.Close(); err != nil {
		return BlobRef{}, err
	}
	ref = h.ref(newBlobID())
	if err = os.Rename(f.Name(), filepath.Join(s.dir, ref.ID)); err != nil {
		return BlobRef{}, err
	}
	return ref, nil
}

func (s *storeDisk) open(id string) (blobReader, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("emukit: bad blob id")
	}
	return os.Open(filepath.Join(s.dir, id))
}

func (s *storeDisk) remove(id string) {
	if ValidID(id) {
		os.Remove(filepath.Join(s.dir, id))
	}
}

func (s *storeDisk) list() ([]string, error) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range ents {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			ids = append(ids, e.Name())
		}
	}
	return ids, nil
}
