// Package sha1sum is the SHA-1 PDS (content_hash, pre_hash) and Gokuai (filehash) compare:
// a whole-file SHA-1 streamed in Go whose state can be checkpointed and resumed, because
// crypto.subtle cannot hash incrementally and a reload must not rehash what it already did.
//
// It computes SHA-1 itself (block.go) rather than through crypto/sha1, which links Go's
// FIPS module (SHA-2, SHA-3, HMAC, AES, a DRBG: about 65 KB gzip) into the browser module.
// Its tests check it against crypto/sha1.
package sha1sum

import (
	"encoding/binary"
	"errors"

	"github.com/ferry-upload/ferry/shared/hashes"
)

const (
	// Size is the length of a SHA-1 in bytes.
	Size = 20
	// PreHashSize is how much of the file PDS's pre_hash covers.
	PreHashSize = 1024

	chunk = 64
)

// PreHash is PDS's pre_hash: the SHA-1 of the first PreHashSize bytes of the file (all of
// it when shorter). first may be longer; the rest is ignored.
func PreHash(first []byte) [Size]byte {
	var d Digest
	d.Write(first[:min(len(first), PreHashSize)])
	return d.Sum()
}

// Digest is a SHA-1 that counts the bytes it has hashed and saves and restores its state.
// The zero value is ready to use.
type Digest struct {
	h       [5]uint32
	x       [chunk]byte // the bytes of a chunk not yet compressed
	n       int64       // bytes written; n % chunk of them are in x
	started bool        // h holds a state (the zero value has not been set up)
}

var initial = [5]uint32{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0}

// New returns an empty Digest.
func New() *Digest { return &Digest{h: initial, started: true} }

func (d *Digest) start() {
	if !d.started {
		d.h, d.started = initial, true
	}
}

// Write hashes p. It never fails.
func (d *Digest) Write(p []byte) (int, error) {
	d.start()
	n := len(p)
	if nx := int(d.n % chunk); nx > 0 {
		c := copy(d.x[nx:], p)
		d.n += int64(c)
		p = p[c:]
		if nx+c < chunk {
			return n, nil
		}
		block(&d.h, d.x[:])
	}
	if full := len(p) &^ (chunk - 1); full > 0 {
		block(&d.h, p[:full])
		d.n += int64(full)
		p = p[full:]
	}
	d.n += int64(copy(d.x[:], p))
	return n, nil
}

// Len is the number of bytes hashed so far: the file offset to resume reading at.
func (d *Digest) Len() int64 { return d.n }

// Sum returns the SHA-1 of the bytes written so far, without changing the state.
func (d *Digest) Sum() [Size]byte {
	c := *d
	c.start()
	// Padding: 0x80, zeros to 56 mod 64, then the length in bits.
	var pad [chunk + 8]byte
	pad[0] = 0x80
	k := int((55-c.n%chunk+chunk)%chunk) + 1
	binary.BigEndian.PutUint64(pad[k:], uint64(c.n)<<3)
	c.Write(pad[:k+8])
	var s [Size]byte
	for i, v := range c.h {
		binary.BigEndian.PutUint32(s[4*i:], v)
	}
	return s
}

// The saved state: magic, byte count (big-endian), the SHA-1 state in crypto/sha1's own
// marshalled form, then a CRC-64 of all that. The chaining values could not be checked
// otherwise: a flipped bit there would resume into a wrong hash; the CRC refuses it.
const (
	stateMagic  = "fsh1"
	stateHeader = len(stateMagic) + 8
	stateCRC    = 8
	innerMagic  = "sha\x01" // crypto/sha1's
	innerSize   = len(innerMagic) + 5*4 + chunk + 8
)

// ErrBadState reports a saved state that is not a Digest's, or is damaged.
var ErrBadState = errors.New("sha1sum: bad state")

// MarshalBinary saves the state for a checkpoint.
func (d *Digest) MarshalBinary() ([]byte, error) {
	c := *d
	c.start()
	b := make([]byte, 0, stateHeader+innerSize+stateCRC)
	b = append(b, stateMagic...)
	b = binary.BigEndian.AppendUint64(b, uint64(c.n))
	b = append(b, innerMagic...)
	for _, v := range c.h {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	nx := int(c.n % chunk)
	b = append(b, c.x[:nx]...)
	b = append(b, make([]byte, chunk-nx)...)
	b = binary.BigEndian.AppendUint64(b, uint64(c.n))
	return binary.BigEndian.AppendUint64(b, hashes.CRC64(b)), nil
}

// UnmarshalBinary restores a state MarshalBinary saved. On error d is unchanged.
func (d *Digest) UnmarshalBinary(b []byte) error {
	if len(b) != stateHeader+innerSize+stateCRC || string(b[:len(stateMagic)]) != stateMagic {
		return ErrBadState
	}
	body, sum := b[:len(b)-stateCRC], b[len(b)-stateCRC:]
	if hashes.CRC64(body) != binary.BigEndian.Uint64(sum) {
		return ErrBadState
	}
	n := int64(binary.BigEndian.Uint64(body[len(stateMagic):]))
	inner := body[stateHeader:]
	if n < 0 || string(inner[:len(innerMagic)]) != innerMagic ||
		binary.BigEndian.Uint64(inner[innerSize-8:]) != uint64(n) {
		return ErrBadState
	}
	var r Digest
	for i := range r.h {
		r.h[i] = binary.BigEndian.Uint32(inner[len(innerMagic)+4*i:])
	}
	copy(r.x[:], inner[len(innerMagic)+20:])
	r.n, r.started = n, true
	*d = r
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
