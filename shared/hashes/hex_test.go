package hashes

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// FuzzHex: Hex and ParseHex agree with encoding/hex.
func FuzzHex(f *testing.F) {
	f.Add([]byte{0x00, 0xab, 0xff}, "00ABff")
	f.Add([]byte{}, "0g")
	f.Fuzz(func(t *testing.T, b []byte, s string) {
		if got, want := Hex(b), hex.EncodeToString(b); got != want {
			t.Fatalf("Hex(%x) = %q, want %q", b, got, want)
		}
		got, ok := ParseHex(s)
		want, err := hex.DecodeString(s)
		if ok != (err == nil) || ok && !bytes.Equal(got, want) {
			t.Fatalf("ParseHex(%q) = %x %v, encoding/hex: %x %v", s, got, ok, want, err)
		}
	})
}
