package sha1sum_test

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/shared/hashes/sha1sum"
)

// vectorData is the provider-apis.md §4.4 input: b[i] = i mod 251, 2.5 MiB.
func vectorData() []byte {
	b := make([]byte, 2621440)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

func upperHex(s [sha1.Size]byte) string { return strings.ToUpper(hex.EncodeToString(s[:])) }

func TestVectors(t *testing.T) {
	data := vectorData()
	var d sha1sum.Digest // the zero value is ready
	d.Write(data)
	if got, want := upperHex(d.Sum()), "D08B7E21AFB7BC45B7BC7E265D812094252A14AC"; got != want {
		t.Errorf("content_hash %s, want %s", got, want)
	}
	if got, want := upperHex(sha1sum.PreHash(data)), "0AC28084FF74933D05123496DAFD3791684D9B53"; got != want {
		t.Errorf("pre_hash %s, want %s", got, want)
	}
	if got, want := sha1sum.PreHash(data[:10]), sha1.Sum(data[:10]); got != want {
		t.Errorf("pre_hash of a 10-byte file %x, want the SHA-1 of all of it %x", got, want)
	}
	if got, want := new(sha1sum.Digest).Sum(), sha1.Sum(nil); got != want {
		t.Errorf("empty %x, want %x", got, want)
	}
}

// hashInPieces hashes data in pieces of size step, saving the state and resuming from it in
// a new Digest before every piece, as a reload between reads would.
func hashInPieces(t testing.TB, data []byte, step int) *sha1sum.Digest {
	d := sha1sum.New()
	for off := 0; off < len(data); off += step {
		state, err := d.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if d, err = sha1sum.Restore(state); err != nil {
			t.Fatalf("restore at %d: %v", off, err)
		}
		if d.Len() != int64(off) {
			t.Fatalf("restored Len %d, want %d", d.Len(), off)
		}
		d.Write(data[off:min(off+step, len(data))])
	}
	return d
}

func TestResumeBetweenEveryPiece(t *testing.T) {
	data := vectorData()
	want := sha1.Sum(data)
	for _, step := range []int{1 << 20, 100_000, 65, 64, 63} {
		d := hashInPieces(t, data, step)
		if d.Sum() != want || d.Len() != int64(len(data)) {
			t.Errorf("step %d: %x after %d bytes, want %x after %d", step, d.Sum(), d.Len(), want, len(data))
		}
	}
}

func FuzzSHA1Resume(f *testing.F) {
	f.Add([]byte("abc"), uint8(0))
	f.Add(vectorData()[:300], uint8(63))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		d := hashInPieces(t, data, int(step%97)+1)
		if d.Sum() != sha1.Sum(data) || d.Len() != int64(len(data)) {
			t.Fatalf("%x after %d bytes, want %x after %d", d.Sum(), d.Len(), sha1.Sum(data), len(data))
		}
	})
}

// refused checks that state does not restore, and leaves a Digest it is given unchanged.
func refused(t *testing.T, what string, state []byte) {
	t.Helper()
	d := sha1sum.New()
	d.Write([]byte("kept"))
	before := d.Sum()
	err := d.UnmarshalBinary(state)
	if !errors.Is(err, sha1sum.ErrBadState) {
		t.Fatalf("%s: %v, want ErrBadState", what, err)
	}
	if d.Sum() != before || d.Len() != 4 {
		t.Fatalf("%s: a refused state changed the digest", what)
	}
}

func TestDamagedStateRefused(t *testing.T) {
	d := sha1sum.New()
	d.Write(vectorData()[:100]) // a part-filled block, so the saved state carries input bytes
	state, err := d.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for bit := range len(state) * 8 {
		b := append([]byte(nil), state...)
		b[bit/8] ^= 1 << (bit % 8)
		refused(t, "bit "+strconv.Itoa(bit)+" flipped", b)
	}
	for n := range len(state) {
		refused(t, "cut to "+strconv.Itoa(n)+" bytes", state[:n])
	}
	refused(t, "one byte longer", append(append([]byte(nil), state...), 0))
}

func TestForeignStateRefused(t *testing.T) {
	plain, _ := sha1.New().(encoding.BinaryMarshaler).MarshalBinary()
	refused(t, "crypto/sha1's own state", plain)
	other, _ := sha256.New().(encoding.BinaryMarshaler).MarshalBinary()
	refused(t, "a SHA-256 state in a well-formed envelope", envelope(0, other))
	refused(t, "a negative byte count", envelope(-1, plain))
	refused(t, "nil", nil)
}

// envelope wraps inner as MarshalBinary does, checksum included, so only what is inside can
// make it fail.
func envelope(n int64, inner []byte) []byte {
	b := binary.BigEndian.AppendUint64([]byte("fsh1"), uint64(n))
	b = append(b, inner...)
	return binary.BigEndian.AppendUint64(b, hashes.CRC64(b))
}

// The envelope helper builds what MarshalBinary builds, so the foreign-state cases above
// differ from a good state only in what they say they are.
func TestEnvelopeMatchesMarshalBinary(t *testing.T) {
	d := sha1sum.New()
	d.Write([]byte("abc"))
	got, _ := d.MarshalBinary()
	h := sha1.New()
	h.Write([]byte("abc"))
	inner, _ := h.(encoding.BinaryMarshaler).MarshalBinary()
	if want := envelope(3, inner); string(got) != string(want) {
		t.Fatalf("MarshalBinary %x, envelope %x", got, want)
	}
}

// TestMatchesCryptoSHA1: the package's own SHA-1 equals crypto/sha1 for every length around
// the padding boundaries, written in two pieces cut anywhere, and the zero Digest too.
func TestMatchesCryptoSHA1(t *testing.T) {
	data := vectorData()[:300]
	for n := range len(data) + 1 {
		want := sha1.Sum(data[:n])
		for _, cut := range []int{0, n / 3, n / 2, max(n-1, 0), n} {
			var d sha1sum.Digest
			d.Write(data[:cut])
			d.Write(data[cut:n])
			if got := d.Sum(); got != want || d.Sum() != want {
				t.Fatalf("%d bytes cut at %d: %x, want %x", n, cut, got, want)
			}
		}
	}
	for _, n := range []int{1023, 1024, 1025} {
		if got, want := sha1sum.PreHash(data[:0]), sha1.Sum(nil); got != want {
			t.Fatalf("pre_hash of nothing %x, want %x", got, want)
		}
		big := vectorData()[:n]
		if got, want := sha1sum.PreHash(big), sha1.Sum(big[:min(n, 1024)]); got != want {
			t.Fatalf("pre_hash of %d bytes %x, want %x", n, got, want)
		}
	}
}
