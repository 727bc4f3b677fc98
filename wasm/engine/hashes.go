package engine

import (
	"encoding/hex"
	"errors"
	"hash/crc64"
)

// The checksums of an SMH upload, as package shared/smhhash defines them, without its
// dependency on crypto/sha256: the browser build hashes with crypto.subtle (BlockHasher), and
// linking Go's SHA-256 would cost ferry.wasm about 50 KB gzip of its 1.2 MB budget. The native
// tests check these against smhhash (hashes_test.go), so the two cannot drift.

// BlockSize is SMH's quick-upload block: beginningHash covers the first, fullHash chains all.
const BlockSize = 1 << 20

// crcTable with Go's built-in init/xorout is CRC-64/XZ, COS's crc64ecma.
var crcTable = crc64.MakeTable(crc64.ECMA)

func crc64Of(b []byte) uint64 { return crc64.Checksum(b, crcTable) }

func crc64Update(crc uint64, b []byte) uint64 { return crc64.Update(crc, crcTable, b) }

// crc64Combine is CRC(A‖B) from CRC(A), CRC(B) and len(B): smhhash.CombineCRC64 (zlib's
// crc32_combine method: lenB zero bytes applied to crcA by GF(2) matrix squaring).
func crc64Combine(crcA, crcB uint64, lenB int64) uint64 {
	if lenB <= 0 {
		return crcA
	}
	var even, odd [64]uint64
	odd[0] = crc64.ECMA
	row := uint64(1)
	for n := 1; n < 64; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(&even, &odd)
	gf2Square(&odd, &even)
	for {
		gf2Square(&even, &odd)
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat *[64]uint64, vec uint64) uint64 {
	var sum uint64
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[64]uint64) {
	for n := range 64 {
		square[n] = gf2Times(mat, mat[n])
	}
}

// chain is SMH's chained SHA-256 state (smhhash.Chain without its own hashing): digests come
// from a BlockHasher, Prefix() ‖ block for each block.
type chain struct {
	first, last [32]byte
	blocks      int64
}

// ChainState is a chain in a checkpoint; the JSON form of smhhash.ChainState.
type ChainState struct {
	First  string `json:"first"`
	Last   string `json:"last"`
	Blocks int64  `json:"blocks"`
}

func (c *chain) prefix() []byte {
	if c.blocks == 0 {
		return nil
	}
	p := c.last
	return p[:]
}

func (c *chain) advance(d [32]byte) {
	if c.blocks == 0 {
		c.first = d
	}
	c.last = d
	c.blocks++
}

func (c *chain) fullHash() string {
	if c.blocks == 0 {
		return ""
	}
	return hex.EncodeToString(c.last[:])
}

func (c *chain) state() ChainState {
	s := ChainState{Blocks: c.blocks}
	if c.blocks > 0 {
		s.First, s.Last = hex.EncodeToString(c.first[:]), hex.EncodeToString(c.last[:])
	}
	return s
}

var errBadChainState = errors.New("bad chain state")

func restoreChain(s ChainState) (chain, error) {
	var c chain
	if s.Blocks <= 0 {
		return c, nil
	}
	f, err1 := hex.DecodeString(s.First)
	l, err2 := hex.DecodeString(s.Last)
	if err1 != nil || err2 != nil || len(f) != 32 || len(l) != 32 {
		return c, errBadChainState
	}
	copy(c.first[:], f)
	copy(c.last[:], l)
	c.blocks = s.Blocks
	return c, nil
}
