package emukit

import (
	"crypto/rand"
	"encoding/hex"
)

// RandomHex returns n random bytes as lowercase hex.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// RandomAlnum returns n random lowercase letters and digits.
func RandomAlnum(n int) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func newBlobID() string    { return RandomHex(16) }
func newRequestID() string { return RandomHex(12) }

// ValidID accepts the identifiers the kit hands out and takes in paths and file names
// (blob ids, upload keys): 1-64 letters, digits, '-' or '_'.
func ValidID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
		if !ok {
			return false
		}
	}
	return true
}

// Redact shortens a secret for logs: enough to tell two apart, never the whole value.
func Redact(s string) string {
	if len(s) <= 10 {
		return "…"
	}
	return s[:9] + "…"
}
