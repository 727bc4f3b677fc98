package hashes

// CRC64Shift is the precomputed combine operator for one length: Combine(crcA, crcB) is
// CombineCRC64(crcA, crcB, n) in eight table look-ups. Combining a file's equal parts with
// it costs no GF(2) multiplication per part (in wasm, built without inlining, a
// CombineCRC64 call takes a third of a millisecond).
type CRC64Shift struct {
	n int64
	t [8][256]uint64 // t[i][b]: the operator applied to byte b at byte i of the register
}

// NewCRC64Shift builds the operator that shifts a CRC-64 register over n zero bytes (16 KiB).
func NewCRC64Shift(n int64) *CRC64Shift {
	s := &CRC64Shift{n: n}
	// The operator is linear: its value on each bit of the register, then on each byte value
	// by xor of the bits set.
	var bits [64]uint64
	for k := range bits {
		bits[k] = CombineCRC64(1<<k, 0, n)
	}
	for i := range s.t {
		for b := 1; b < 256; b++ {
			low := b & -b // lowest set bit
			k := 0
			for 1<<k != low {
				k++
			}
			s.t[i][b] = s.t[i][b&^low] ^ bits[8*i+k]
		}
	}
	return s
}

// Len is the length the operator shifts over.
func (s *CRC64Shift) Len() int64 { return s.n }

// Combine returns the CRC-64 of A‖B from crcA, crcB and len(B) = s.Len().
func (s *CRC64Shift) Combine(crcA, crcB uint64) uint64 {
	r := crcB
	for i := range s.t {
		r ^= s.t[i][byte(crcA>>(8*i))]
	}
	return r
}
