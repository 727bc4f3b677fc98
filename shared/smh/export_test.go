package smh

import "testing"

// DecodesLikeEncodingJSON lets the external tests (which hold the emulator) run an answer
// body through every answer type's hand codec against encoding/json.
func DecodesLikeEncodingJSON(t testing.TB, body string) { t.Helper(); decodesAllLike(t, body) }
