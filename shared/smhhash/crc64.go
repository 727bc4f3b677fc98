package smhhash

import "hash/crc64"

// Go's ECMA table with its built-in all-ones init and xorout is CRC-64/XZ, the algorithm
// COS reports as x-cos-hash-crc64ecma (check value for "123456789": 0x995DC9BBDF1939FA).
var crcTable = crc64.MakeTable(crc64.ECMA)

// CRC64 returns the CRC-64/XZ of b.
func CRC64(b []byte) uint64 { return crc64.Checksum(b, crcTable) }

// UpdateCRC64 continues crc over b, as if b followed the bytes crc already covers.
func UpdateCRC64(crc uint64, b []byte) uint64 { return crc64.Update(crc, crcTable, b) }

// CombineCRC64 returns the CRC-64/XZ of A‖B given crcA = CRC(A), crcB = CRC(B) and
// lenB = len(B). It applies lenB zero bytes to crcA with the GF(2) matrix method of
// zlib's crc32_combine (the init/xorout inversions cancel out), in O(log lenB).
func CombineCRC64(crcA, crcB uint64, lenB int64) uint64 {
	if lenB <= 0 {
		return crcA
	}
	var even, odd [64]uint64
	// odd: the operator for one zero bit.
	odd[0] = crc64.ECMA
	row := uint64(1)
	for n := 1; n < 64; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four zero bits
	// The first squaring below gives one zero byte (eight bits), then two, four...
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
	for n := range 64 {
		square[n] = gf2Times(mat, mat[n])
	}
}
