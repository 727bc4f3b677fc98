package hashes

import (
	"hash/crc32"
	"testing"
)

func TestCRC32Vectors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want uint32
	}{
		{"check value", []byte("123456789"), 0xCBF43926},
		{"reference 2.5 MiB", vectorData(), 800639016}, // Python's zlib.crc32
		{"empty", nil, 0},
	}
	for _, tt := range tests {
		if got := CRC32(tt.data); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestCRC32MatchesStdlibAtEveryLengthAndOffset(t *testing.T) {
	data := randomBytes(300, 6)
	for off := range 17 {
		for n := 0; off+n <= len(data); n++ {
			b := data[off : off+n]
			if got, want := CRC32(b), crc32.ChecksumIEEE(b); got != want {
				t.Fatalf("offset %d, length %d: %#x, want %#x", off, n, got, want)
			}
		}
	}
}

func FuzzCRC32(f *testing.F) {
	f.Add([]byte("123456789"), uint8(0), uint16(4))
	f.Add(randomBytes(1000, 7), uint8(5), uint16(333))
	f.Fuzz(func(t *testing.T, data []byte, off uint8, cut uint16) {
		b := data[min(int(off%17), len(data)):]
		want := crc32.ChecksumIEEE(b)
		if got := CRC32(b); got != want {
			t.Fatalf("CRC32 = %#x, want %#x", got, want)
		}
		i := int(cut) % (len(b) + 1)
		if got := UpdateCRC32(CRC32(b[:i]), b[i:]); got != want {
			t.Fatalf("in pieces at %d = %#x, want %#x", i, got, want)
		}
	})
}
