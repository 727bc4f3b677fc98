package hashes

import (
	"hash/crc64"
	"math"
	"math/rand/v2"
	"testing"
)

var stdECMA = crc64.MakeTable(crc64.ECMA)

func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)}).Read(b)
	return b
}

// Every length up to a few 16-byte rounds past the tail loop, at every start offset within
// 16 bytes, against hash/crc64: a wrong table or a wrong byte in the 16-byte step shows here
// without the fuzzer.
func TestCRC64MatchesStdlibAtEveryLengthAndOffset(t *testing.T) {
	data := randomBytes(300, 1)
	for off := range 17 {
		for n := 0; off+n <= len(data); n++ {
			b := data[off : off+n]
			if got, want := CRC64(b), crc64.Checksum(b, stdECMA); got != want {
				t.Fatalf("offset %d, length %d: %#x, want %#x", off, n, got, want)
			}
		}
	}
}

func FuzzCRC64(f *testing.F) {
	f.Add([]byte("123456789"), uint8(0), uint16(4), uint16(0))
	f.Add(randomBytes(1000, 2), uint8(3), uint16(17), uint16(500))
	f.Fuzz(func(t *testing.T, data []byte, off uint8, cut1, cut2 uint16) {
		b := data[min(int(off%17), len(data)):] // a start off the fuzzer's alignment
		want := crc64.Checksum(b, stdECMA)
		if got := CRC64(b); got != want {
			t.Fatalf("CRC64 = %#x, want %#x", got, want)
		}
		i := int(cut1) % (len(b) + 1)
		j := i + int(cut2)%(len(b)-i+1)
		if got := UpdateCRC64(UpdateCRC64(CRC64(b[:i]), b[i:j]), b[j:]); got != want {
			t.Fatalf("in pieces [:%d] [%d:%d] [%d:] = %#x, want %#x", i, i, j, j, got, want)
		}
	})
}

// refCombine is the GF(2) operator-matrix method (zlib's crc32_combine before 1.2.12, widened
// to 64 bits) this package used before, rebuilding its matrices on every call: a second,
// independent derivation for lengths too long to put in memory.
func refCombine(crcA, crcB uint64, lenB int64) uint64 {
	if lenB <= 0 {
		return crcA
	}
	times := func(mat *[64]uint64, vec uint64) uint64 {
		var sum uint64
		for i := 0; vec != 0; i, vec = i+1, vec>>1 {
			if vec&1 != 0 {
				sum ^= mat[i]
			}
		}
		return sum
	}
	square := func(sq, mat *[64]uint64) {
		for n := range 64 {
			sq[n] = times(mat, mat[n])
		}
	}
	var even, odd [64]uint64
	odd[0] = crc64.ECMA // one zero bit
	for n, row := 1, uint64(1); n < 64; n, row = n+1, row<<1 {
		odd[n] = row
	}
	square(&even, &odd) // two zero bits
	square(&odd, &even) // four
	for {
		square(&even, &odd) // one zero byte, then 4, 16...
		if lenB&1 != 0 {
			crcA = times(&even, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
		square(&odd, &even) // two zero bytes, then 8, 32...
		if lenB&1 != 0 {
			crcA = times(&odd, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func TestCombineCRC64LongLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	lengths := []int64{1, 2, 3, 8, 1 << 20, 8 << 20, 5 << 30, 1 << 40, 1 << 62, math.MaxInt64}
	for range 200 {
		lengths = append(lengths, r.Int64N(math.MaxInt64)>>r.IntN(63))
	}
	for _, n := range lengths {
		a, b := r.Uint64(), r.Uint64()
		if got, want := CombineCRC64(a, b, n), refCombine(a, b, n); got != want {
			t.Fatalf("combine(%#x, %#x, %d) = %#x, the matrix method says %#x", a, b, n, got, want)
		}
	}
}

// The oracle itself agrees with a CRC of the concatenation, so the long-length test above
// compares against something known to be right.
func TestRefCombineMatchesConcatenation(t *testing.T) {
	data := randomBytes(5000, 5)
	for _, cut := range []int{0, 1, 100, 4095, 5000} {
		a, b := data[:cut], data[cut:]
		if got, want := refCombine(CRC64(a), CRC64(b), int64(len(b))), CRC64(data); got != want {
			t.Fatalf("cut %d: %#x, want %#x", cut, got, want)
		}
	}
}

func TestCombineCRC64NonPositiveLength(t *testing.T) {
	a := CRC64([]byte("abc"))
	for _, n := range []int64{0, -1, math.MinInt64} {
		if got := CombineCRC64(a, 0, n); got != a {
			t.Fatalf("lenB %d: %#x, want crcA %#x", n, got, a)
		}
	}
}
