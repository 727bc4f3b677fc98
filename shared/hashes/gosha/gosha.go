// Package gosha steps an hashes.Chain with Go's crypto/sha256, for native programs. The
// browser module steps it with crypto.subtle instead and never links this package.
package gosha

import (
	"crypto/sha256"

	"github.com/ferry-upload/ferry/shared/hashes"
)

// Digest is SHA-256(prefix ‖ block) without joining the two.
func Digest(prefix, block []byte) [32]byte {
	h := sha256.New()
	h.Write(prefix)
	h.Write(block)
	var d [32]byte
	h.Sum(d[:0])
	return d
}

// Write hashes one block into c. Every block but the last must be hashes.BlockSize bytes.
func Write(c *hashes.Chain, block []byte) { c.Advance(Digest(c.Prefix(), block)) }

// Sum hashes all of data in hashes.BlockSize blocks and returns (beginningHash, fullHash).
// Convenient for small inputs and tests; streaming callers use Write.
func Sum(data []byte) (beginning, full string) {
	var c hashes.Chain
	if len(data) == 0 {
		Write(&c, nil)
	}
	for off := 0; off < len(data); off += hashes.BlockSize {
		Write(&c, data[off:min(off+hashes.BlockSize, len(data))])
	}
	return c.BeginningHash(), c.FullHash()
}
