package smhemu

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"hash/crc64"
	"strconv"
)

// quickBlock is the block size of SMH's quick-upload hashes: 1 MiB.
const quickBlock = 1 << 20

// crcTable is CRC-64/ECMA-182 in its reflected form with all-ones init and xorout, which
// is CRC-64/XZ, which is what COS reports as x-cos-hash-crc64ecma.
var crcTable = crc64.MakeTable(crc64.ECMA)

func crcString(v uint64) string { return strconv.FormatUint(v, 10) }

// The emulator computes CRC-64 and the quick-upload hashes on its own rather than with
// shared/hashes, which the clients use: one shared bug would otherwise pass unseen. The
// reference test vectors pin both.

// crc64Combine returns the CRC of A‖B from crc(A), crc(B) and len(B), by applying len(B)
// zero bits to crc(A) with GF(2) matrix squaring (zlib's crc32_combine, widened to 64 bits).
// It lets confirm report the CRC of a file without reading its parts again.
func crc64Combine(crcA, crcB uint64, lenB int64) uint64 {
	if lenB <= 0 {
		return crcA
	}
	var even, odd [64]uint64
	odd[0] = 0xC96C5795D7870F42 // reflected ECMA-182 polynomial
	row := uint64(1)
	for n := 1; n < 64; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four zero bits
	for {
		gf2Square(&even, &odd)
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
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
	for n := range mat {
		square[n] = gf2Times(mat, mat[n])
	}
}

// quickHasher computes SMH's quick-upload hashes over a stream: beginningHash is the
// SHA-256 of the first min(size, 1 MiB) bytes; fullHash chains over 1 MiB blocks,
// h1 = SHA-256(block1), hk = SHA-256(hk-1 ‖ blockk), result hex(h_last). It also keeps a
// plain SHA-256 of the whole stream (the test-control files listing reports it).
type quickHasher struct {
	block   hash.Hash
	plain   hash.Hash
	inBlock int
	blocks  int
	first   []byte
	prev    []byte
}

func newQuickHasher() *quickHasher {
	return &quickHasher{block: sha256.New(), plain: sha256.New()}
}

func (q *quickHasher) Write(p []byte) (int, error) {
	n := len(p)
	q.plain.Write(p)
	for len(p) > 0 {
		take := min(len(p), quickBlock-q.inBlock)
		q.block.Write(p[:take])
		q.inBlock += take
		p = p[take:]
		if q.inBlock == quickBlock {
			q.endBlock()
		}
	}
	return n, nil
}

func (q *quickHasher) endBlock() {
	sum := q.block.Sum(nil)
	if q.blocks == 0 {
		q.first = sum
	}
	q.prev = sum
	q.blocks++
	q.block.Reset()
	q.block.Write(sum)
	q.inBlock = 0
}

// sums returns beginningHash, fullHash and the plain SHA-256, all lowercase hex.
func (q *quickHasher) sums() (beginning, full, plain string) {
	if q.inBlock > 0 || q.blocks == 0 {
		q.endBlock()
	}
	return hex.EncodeToString(q.first), hex.EncodeToString(q.prev), hex.EncodeToString(q.plain.Sum(nil))
}
