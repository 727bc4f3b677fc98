package emukit

import (
	"bytes"
	"fmt"
	"io"
	"sync"
)

// storeMem keeps each blob as the one buffer it was read into.
type storeMem struct {
	mu    sync.Mutex
	blobs map[string][]byte
}

func newStoreMem() *storeMem { return &storeMem{blobs: map[string][]byte{}} }

func (s *storeMem) write(r io.Reader, size int64) (BlobRef, error) {
	if err := checkBlobSize(size); err != nil {
		return BlobRef{}, err
	}
	buf := make([]byte, size) // the one copy of these bytes
	if _, err := io.ReadFull(r, buf); err != nil {
		return BlobRef{}, ErrShortBody
	}
	if err := expectEOF(r); err != nil {
		return BlobRef{}, err
	}
	h := newHashingWriter()
	h.Write(buf)
	ref := h.ref(newBlobID())
	s.mu.Lock()
	s.blobs[ref.ID] = buf
	s.mu.Unlock()
	return ref, nil
}

type memBlob struct{ *bytes.Reader }

func (memBlob) Close() error { return nil }

func (s *storeMem) open(id string) (blobReader, error) {
	s.mu.Lock()
	b, ok := s.blobs[id]
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("emukit: blob %s is gone", id)
	}
	return memBlob{bytes.NewReader(b)}, nil
}

func (s *storeMem) remove(id string) {
	s.mu.Lock()
	delete(s.blobs, id)
	s.mu.Unlock()
}

func (s *storeMem) list() ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.blobs))
	for id := range s.blobs {
		ids = append(ids, id)
	}
	return ids, nil
}
