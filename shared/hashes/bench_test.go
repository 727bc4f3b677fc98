package hashes

import (
	"hash/crc32"
	"hash/crc64"
	"testing"
)

// go test -run '^$' -bench . ./shared/hashes: ours next to the standard library. The figure
// that matters is the browser's (GOOS=js, inlining off): bench/cmd/crc64bench measures it.
func BenchmarkCRC64(b *testing.B) {
	buf := randomBytes(1<<20, 8)
	b.Run("stdlib", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			crc64.Checksum(buf, stdECMA)
		}
	})
	b.Run("hashes", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			CRC64(buf)
		}
	})
}

func BenchmarkCRC32(b *testing.B) {
	buf := randomBytes(1<<20, 9)
	b.Run("stdlib", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			crc32.ChecksumIEEE(buf)
		}
	})
	b.Run("hashes", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			CRC32(buf)
		}
	})
}

// One call per part at completion: an 8 MiB part, and the worst length (all 63 bits set).
func BenchmarkCombineCRC64(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int64
	}{{"8MiB", 8 << 20}, {"maxint64", 1<<63 - 1}} {
		b.Run(c.name, func(b *testing.B) {
			var crc uint64
			for b.Loop() {
				crc = CombineCRC64(crc, 0x1234, c.n)
			}
		})
		b.Run(c.name+"-matrix", func(b *testing.B) { // the method this package used before
			var crc uint64
			for b.Loop() {
				crc = refCombine(crc, 0x1234, c.n)
			}
		})
	}
}
