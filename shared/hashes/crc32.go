package hashes

import "sync"

// crc32Poly is the IEEE 802.3 polynomial reflected (hash/crc32.IEEE): CRC-32/ISO-HDLC, what
// zlib, Java's java.util.zip.CRC32 and Go's crc32.ChecksumIEEE compute. Gokuai's Java SDK
// sends it per part as x-gk-upload-crc, in decimal.
const crc32Poly = 0xEDB88320

var (
	crc32Once   sync.Once
	crc32Tables *[16][256]uint32
)

func crc32Table() *[16][256]uint32 {
	crc32Once.Do(func() { crc32Tables = slicingTables32(crc32Poly) })
	return crc32Tables
}

// CRC32 returns the CRC-32/IEEE of b, as crc32.ChecksumIEEE does.
func CRC32(b []byte) uint32 { return UpdateCRC32(0, b) }

// UpdateCRC32 continues crc over b, as if b followed the bytes crc already covers.
//
// This is not a wrapper over hash/crc32: importing that package alone adds about 3 KB gzip
// to the browser module (its tables are built at init), and its loop has the same
// non-inlined loads as hash/crc64 there. Same slicing-by-16 as UpdateCRC64.
func UpdateCRC32(crc uint32, b []byte) uint32 {
	t := crc32Table()
	crc = ^crc
	for len(b) >= 16 {
		_ = b[15]
		crc ^= uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
		crc = t[15][byte(crc)] ^ t[14][byte(crc>>8)] ^ t[13][byte(crc>>16)] ^ t[12][byte(crc>>24)] ^
			t[11][b[4]] ^ t[10][b[5]] ^ t[9][b[6]] ^ t[8][b[7]] ^
			t[7][b[8]] ^ t[6][b[9]] ^ t[5][b[10]] ^ t[4][b[11]] ^
			t[3][b[12]] ^ t[2][b[13]] ^ t[1][b[14]] ^ t[0][b[15]]
		b = b[16:]
	}
	for _, v := range b {
		crc = t[0][byte(crc)^v] ^ crc>>8
	}
	return ^crc
}

// slicingTables32 is slicingTables64 for a reflected 32-bit CRC.
func slicingTables32(poly uint32) *[16][256]uint32 {
	t := new([16][256]uint32)
	for i := range 256 {
		crc := uint32(i)
		for range 8 {
			crc = crc>>1 ^ poly&-(crc&1)
		}
		t[0][i] = crc
	}
	for i := range 256 {
		crc := t[0][i]
		for k := 1; k < 16; k++ {
			crc = t[0][byte(crc)] ^ crc>>8
			t[k][i] = crc
		}
	}
	return t
}
