package hashes

import "sync"

// crc64Shifts[j] is x^(8·2^j) mod P: the operator that appends 2^j zero bytes to a CRC-64
// register, for every j an int64 length can need. Built once on first use, so a combine
// costs one GF(2) multiplication per set bit of the length. (zlib ≥ 1.2.12 does the same
// for CRC-32; the 64 operator matrices of the older method would take 32 KiB, these 504 B.)
var (
	crc64ShiftOnce sync.Once
	crc64Shifts    *[63]uint64
)

func crc64Shift() *[63]uint64 {
	crc64ShiftOnce.Do(func() {
		t := new([63]uint64)
		p := uint64(1) << 62 // x¹: in a reflected register the top bit is x⁰
		for range 3 {
			p = mulModP64(p, p) // x², x⁴, x⁸: one zero byte
		}
		t[0] = p
		for j := 1; j < len(t); j++ {
			t[j] = mulModP64(t[j-1], t[j-1])
		}
		crc64Shifts = t
	})
	return crc64Shifts
}

// CombineCRC64 returns the CRC-64/XZ of A‖B given crcA = CRC(A), crcB = CRC(B) and
// lenB = len(B): crcA shifted over lenB zero bytes, xor crcB (the init and xorout
// inversions cancel out). It never reads the data again.
func CombineCRC64(crcA, crcB uint64, lenB int64) uint64 {
	if lenB <= 0 {
		return crcA
	}
	t := crc64Shift()
	op := uint64(1) << 63 // x⁰
	for j := 0; lenB != 0; j, lenB = j+1, lenB>>1 {
		if lenB&1 != 0 {
			op = mulModP64(t[j], op)
		}
	}
	return mulModP64(op, crcA) ^ crcB
}

// mulModP64 multiplies a and b, polynomials in reflected form (bit 63 is x⁰), modulo the
// CRC-64 polynomial.
func mulModP64(a, b uint64) uint64 {
	var p uint64
	for ; a != 0; a <<= 1 { // a's top bit is the coefficient of the x^k that b holds
		if a&(1<<63) != 0 {
			p ^= b
		}
		b = b>>1 ^ crc64Poly&-(b&1) // b·x
	}
	return p
}
