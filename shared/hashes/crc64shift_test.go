package hashes

import (
	"math/rand/v2"
	"testing"
)

// TestCRC64ShiftMatchesCombine: the precomputed operator equals CombineCRC64 for lengths of
// every kind (zero, small, a part size, odd, huge), and equals the concatenation's CRC.
func TestCRC64ShiftMatchesCombine(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int64{0, 1, 7, 8, 1000, 1 << 20, 8 << 20, 8<<20 + 13, 5 << 30, 1<<62 + 3} {
		s := NewCRC64Shift(n)
		if s.Len() != n {
			t.Fatalf("Len %d, want %d", s.Len(), n)
		}
		for range 50 {
			a, b := r.Uint64(), r.Uint64()
			if n == 0 {
				b = 0 // the CRC-64 of no bytes
			}
			if got, want := s.Combine(a, b), CombineCRC64(a, b, n); got != want {
				t.Fatalf("n=%d: Combine(%x, %x) = %x, want %x", n, a, b, got, want)
			}
		}
	}
	data := make([]byte, 3000)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	s := NewCRC64Shift(1000)
	if got, want := s.Combine(CRC64(data[:2000]), CRC64(data[2000:])), CRC64(data); got != want {
		t.Fatalf("concatenation: %x, want %x", got, want)
	}
}

func BenchmarkCRC64Shift(b *testing.B) {
	s := NewCRC64Shift(8 << 20)
	crc := uint64(0)
	for b.Loop() {
		crc = s.Combine(crc, 0x1234)
	}
	_ = crc
}
