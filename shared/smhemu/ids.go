package smhemu

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
)

// timeFormat is SMH's ISO 8601 UTC with milliseconds, e.g. 2020-09-22T07:44:45.000Z.
const timeFormat = "2006-01-02T15:04:05.000Z"

func isoTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// randomHex returns n random bytes as lowercase hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// randomAlnum returns n random lowercase letters and digits.
func randomAlnum(n int) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Identifier shapes follow the service's examples.
func newAccessToken() string { return "acctk" + randomAlnum(43) }
func newSpaceID() string     { return "space" + randomAlnum(13) }
func newConfirmKey() string  { return randomHex(16) }
func newUploadID() string    { return strings.ToUpper(randomHex(20)) }
func newBlobID() string      { return randomHex(16) }
func newRequestID() string   { return randomHex(12) }

// redact shortens a secret for logs: enough to tell two apart, never the whole value.
func redact(s string) string {
	if len(s) <= 10 {
		return "…"
	}
	return s[:9] + "…"
}
