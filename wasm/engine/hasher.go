package engine

import "context"

// BlockHasher computes one step of SMH's chained SHA-256: SHA-256(prefix ‖ the n bytes of
// src at off). In the browser it is crypto.subtle.digest over the Blob slice, so the bytes
// never enter Go; natively Go's sha256 (package native), reading into buf (n bytes long).
// The engine itself links no SHA-256.
type BlockHasher interface {
	HashBlock(ctx context.Context, src Source, off, n int64, prefix, buf []byte) ([32]byte, error)
}
