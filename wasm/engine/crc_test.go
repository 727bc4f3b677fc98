package engine

import (
	"math/rand/v2"
	"testing"

	"github.com/ferry-upload/ferry/shared/hashes"
)

// TestCombineParts: the whole file's CRC-64 combined from its parts' equals the file's, for
// a last part shorter than the others, exactly as long, and a one-body upload.
func TestCombineParts(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 10*1000+37)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	for _, c := range []struct {
		name string
		p    plan
	}{
		{"short last part", plan{size: int64(len(data)), partSize: 1000, multipart: true}},
		{"equal parts", plan{size: 10000, partSize: 1000, multipart: true}},
		{"part size changes", plan{size: 10000, partSize: 3000, multipart: true}},
		{"one body", plan{size: int64(len(data)), partSize: int64(len(data))}},
	} {
		t.Run(c.name, func(t *testing.T) {
			crcs := map[int]uint64{}
			for n := c.p.first(); n <= c.p.last(); n++ {
				off, size := c.p.span(n)
				crcs[n] = hashes.CRC64(data[off : off+size])
			}
			if got, want := combineParts(c.p, crcs), hashes.CRC64(data[:c.p.size]); got != want {
				t.Fatalf("combined %x, want %x", got, want)
			}
		})
	}
}
