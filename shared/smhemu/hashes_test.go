package smhemu

import (
	"crypto/sha256"
	"encoding/hex"
	"hash/crc64"
	"testing"
)

func patternBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

// The vectors of provider-apis.md §4.4.
func TestHashVectors(t *testing.T) {
	if got := crc64.Checksum([]byte("123456789"), crcTable); got != 11051210869376104954 {
		t.Fatalf("CRC-64/XZ check value: %d", got)
	}
	data := patternBytes(2621440)
	if got := crc64.Checksum(data, crcTable); got != 10547624972659972547 {
		t.Fatalf("CRC-64/XZ of the 2.5 MiB vector: %d", got)
	}
	q := newQuickHasher()
	// Write in odd-sized pieces: block boundaries must not depend on write sizes.
	for rest := data; len(rest) > 0; {
		n := min(len(rest), 333331)
		q.Write(rest[:n])
		rest = rest[n:]
	}
	beginning, full, plain := q.sums()
	if beginning != "631b84027d6b9e52b539c4e8373622d23032dfadc64d60af87339c9037e4f769" {
		t.Errorf("beginningHash %s", beginning)
	}
	if full != "483331f3e83bf691c43937e1a06352ac6da956bc63ee50d76a9b29b4d0508d60" {
		t.Errorf("fullHash %s", full)
	}
	if sum := sha256.Sum256(data); plain != hex.EncodeToString(sum[:]) {
		t.Errorf("plain SHA-256 %s", plain)
	}
}

func TestQuickHashSmallAndExactBlocks(t *testing.T) {
	for _, n := range []int{0, 1, quickBlock - 1, quickBlock, 2 * quickBlock, 2*quickBlock + 1} {
		data := patternBytes(n)
		q := newQuickHasher()
		q.Write(data)
		beginning, full, _ := q.sums()
		// Reference: the chain written out directly.
		first := sha256.Sum256(data[:min(n, quickBlock)])
		h := first
		for off := quickBlock; off < n; off += quickBlock {
			h = sha256.Sum256(append(h[:], data[off:min(off+quickBlock, n)]...))
		}
		if beginning != hex.EncodeToString(first[:]) || full != hex.EncodeToString(h[:]) {
			t.Errorf("size %d: beginning %s full %s", n, beginning, full)
		}
		if n <= quickBlock && full != beginning {
			t.Errorf("size %d: fullHash must equal beginningHash up to 1 MiB", n)
		}
	}
}

func TestCRC64Combine(t *testing.T) {
	data := patternBytes(3<<20 + 12345)
	whole := crc64.Checksum(data, crcTable)
	for _, cut := range []int{0, 1, 1 << 20, 2<<20 + 7, len(data) - 1, len(data)} {
		a, b := data[:cut], data[cut:]
		got := crc64Combine(crc64.Checksum(a, crcTable), crc64.Checksum(b, crcTable), int64(len(b)))
		if got != whole {
			t.Errorf("cut %d: combined %d, want %d", cut, got, whole)
		}
	}
}
