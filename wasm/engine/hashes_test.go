package engine

import (
	"crypto/rand"
	"crypto/sha256"
	"testing"

	"github.com/ferry-upload/ferry/shared/smhhash"
)

// The engine carries its own copy of smhhash's CRC combine and chain state (to keep
// crypto/sha256 out of the browser build): these tests hold them equal.

func TestCRC64MatchesSMHHash(t *testing.T) {
	if got := crc64Of([]byte("123456789")); got != 11051210869376104954 {
		t.Fatalf("check value %d", got)
	}
	a, b := make([]byte, 3<<20+17), make([]byte, 1<<20+5)
	rand.Read(a)
	rand.Read(b)
	for _, lb := range []int{0, 1, 7, 4096, len(b)} {
		ca, cb := crc64Of(a), crc64Of(b[:lb])
		if got, want := crc64Combine(ca, cb, int64(lb)), smhhash.CombineCRC64(ca, cb, int64(lb)); got != want || got != smhhash.CRC64(append(append([]byte(nil), a...), b[:lb]...)) {
			t.Fatalf("lenB %d: combine %d, smhhash %d", lb, got, want)
		}
	}
	if crc64Update(crc64Of(a), b) != smhhash.UpdateCRC64(smhhash.CRC64(a), b) {
		t.Fatal("update differs")
	}
}

func TestChainMatchesSMHHash(t *testing.T) {
	data := make([]byte, 2621440) // the reference vector: b[i] = i mod 251, 2.5 MiB
	for i := range data {
		data[i] = byte(i % 251)
	}
	var c chain
	for off := 0; off < len(data); off += BlockSize {
		h := sha256.New()
		h.Write(c.prefix())
		h.Write(data[off:min(off+BlockSize, len(data))])
		var d [32]byte
		h.Sum(d[:0])
		c.advance(d)
	}
	if c.fullHash() != "483331f3e83bf691c43937e1a06352ac6da956bc63ee50d76a9b29b4d0508d60" {
		t.Fatalf("fullHash %s", c.fullHash())
	}
	var ref smhhash.Chain
	for off := 0; off < len(data); off += BlockSize {
		ref.Write(data[off:min(off+BlockSize, len(data))])
	}
	st := c.state()
	if rs := ref.State(); st.First != rs.First || st.Last != rs.Last || st.Blocks != rs.Blocks {
		t.Fatalf("state %+v, smhhash %+v", st, rs)
	}
	back, err := restoreChain(st)
	if err != nil || back != c {
		t.Fatalf("restore: %v", err)
	}
	if _, err := restoreChain(ChainState{Blocks: 2, First: "zz"}); err == nil {
		t.Fatal("a bad state restored")
	}
}
