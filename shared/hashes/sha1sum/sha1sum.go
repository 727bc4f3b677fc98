// Package sha1sum is the SHA-1 PDS (content_hash, pre_hash) and Gokuai (filehash) compare:
// a whole-file SHA-1 streamed in Go whose state can be checkpointed and resumed, because
// crypto.subtle cannot hash incrementally and a reload must not rehash what it already did.
//
// It is a package of its own because crypto/sha1 adds about 57 KB gzip to the browser
// module: only a build that hashes SHA-1 links it.
package sha1sum

import (
	"crypto/sha1"
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"

	"github.com/ferry-upload/ferry/shared/hashes"
)

// PreHashSize is how much of the file PDS's pre_hash covers.
const PreHashSize = 1024

// PreHash is PDS's pre_hash: the SHA-1 of the first PreHashSize bytes of the file (all of
// it when shorter). first may be longer; the rest is ignored.
func PreHash(first []byte) [sha1.Size]byte {
	return sha1.Sum(first[:min(len(first), PreHashSize)])
}

// Digest is a SHA-1 that counts the bytes it has hashed and saves and restores its state.
// The zero value is ready to use.
type Digest struct {
	h hash.Hash // crypto/sha1's digest; nil until the first use
	n int64
}

// New returns an empty Digest.
func New() *Digest { return &Digest{h: sha1.New()} }

func (d *Digest) inner() hash.Hash {
	if d.h == nil {
		d.h = sha1.New()
	}
	return d.h
}

// Write hashes p. It never fails.
func (d *Digest) Write(p []byte) (int, error) {
	d.inner().Write(p)
	d.n += int64(len(p))
	return len(p), nil
}

// Len is the number of bytes hashed so far: the file offset to resume reading at.
func (d *Digest) Len() int64 { return d.n }

// Sum returns the SHA-1 of the bytes written so far, without changing the state.
func (d *Digest) Sum() [sha1.Size]byte {
	var s [sha1.Size]byte
	d.inner().Sum(s[:0])
	return s
}

// The saved state: magic, byte count (big-endian), crypto/sha1's own marshalled state,
// then a CRC-64 of all that. crypto/sha1 checks its own magic and length but not the
// chaining values, so a flipped bit there would resume into a wrong hash; the CRC refuses
// it instead.
const (
	stateMagic  = "fsh1"
	stateHeader = len(stateMagic) + 8
	stateCRC    = 8
)

// ErrBadState reports a saved state that is not a Digest's, or is damaged.
var ErrBadState = errors.New("sha1sum: bad state")

// MarshalBinary saves the state for a checkpoint.
func (d *Digest) MarshalBinary() ([]byte, error) {
	inner, err := d.inner().(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, stateHeader+len(inner)+stateCRC)
	b = append(b, stateMagic...)
	b = binary.BigEndian.AppendUint64(b, uint64(d.n))
	b = append(b, inner...)
	return binary.BigEndian.AppendUint64(b, hashes.CRC64(b)), nil
}

// UnmarshalBinary restores a state MarshalBinary saved. On error d is unchanged.
func (d *Digest) UnmarshalBinary(b []byte) error {
	if len(b) < stateHeader+stateCRC || string(b[:len(stateMagic)]) != stateMagic {
		return ErrBadState
	}
	body, sum := b[:len(b)-stateCRC], b[len(b)-stateCRC:]
	if hashes.CRC64(body) != binary.BigEndian.Uint64(sum) {
		return fmt.Errorf("%w: checksum mismatch", ErrBadState)
	}
	n := int64(binary.BigEndian.Uint64(body[len(stateMagic):]))
	if n < 0 {
		return ErrBadState
	}
	h := sha1.New()
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(body[stateHeader:]); err != nil {
		return fmt.Errorf("%w: %w", ErrBadState, err)
	}
	d.h, d.n = h, n
	return nil
}

// Restore returns the Digest a MarshalBinary state describes.
func Restore(state []byte) (*Digest, error) {
	var d Digest
	if err := d.UnmarshalBinary(state); err != nil {
		return nil, err
	}
	return &d, nil
}
