package engine

import (
	"context"
	"crypto/sha256"
)

// BlockHasher computes one step of SMH's chained SHA-256: SHA-256(prefix ‖ the n bytes of
// src at off). Natively Go's sha256 over bytes read into buf; in the browser
// crypto.subtle.digest over the Blob slice, so the bytes never enter Go (buf is unused).
type BlockHasher interface {
	HashBlock(ctx context.Context, src Source, off, n int64, prefix, buf []byte) ([32]byte, error)
}

// NativeHasher is the BlockHasher in Go. buf must hold n bytes.
type NativeHasher struct{}

func (NativeHasher) HashBlock(_ context.Context, src Source, off, n int64, prefix, buf []byte) ([32]byte, error) {
	var d [32]byte
	b := buf[:n]
	if err := readFull(src, b, off); err != nil {
		return d, err
	}
	h := sha256.New()
	h.Write(prefix)
	h.Write(b)
	h.Sum(d[:0])
	return d, nil
}
