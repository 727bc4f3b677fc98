// Package jsonxtest holds other packages' hand codecs (jsonx.Encoder, jsonx.Decoder) to
// encoding/json, by their types' json tags: the same bytes out, the same Go value in. Test
// support only; the browser build never imports it.
package jsonxtest

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ferry-upload/ferry/shared/jsonx"
)

// Codec asserts that a type's hand codec agrees with encoding/json (by the type's json
// tags) for v: EncodeJSON writes json.Marshal's bytes, and DecodeJSON reads those bytes
// back to the value json.Unmarshal gives.
func Codec[T any, P interface {
	*T
	jsonx.Encoder
	jsonx.Decoder
}](t testing.TB, v *T) {
	t.Helper()
	Encodes(t, P(v))
	if b, err := json.Marshal(v); err == nil {
		Decodes[T, P](t, string(b))
	}
}

// Encodes asserts that jsonx.Encode(v) writes json.Marshal(v)'s bytes.
func Encodes(t testing.TB, v jsonx.Encoder) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		t.Errorf("json.Marshal(%T): %v", v, err)
		return
	}
	assert.Equal(t, string(want), string(jsonx.Encode(v)), "Encode(%T)", v)
}

// Decodes asserts that jsonx.Decode of in gives the value and the success json.Unmarshal
// gives, and returns whether it succeeded. (Where encoding/json refuses an input, the
// values are not compared: it fills in what it can.)
func Decodes[T any, P interface {
	*T
	jsonx.Decoder
}](t testing.TB, in string) bool {
	t.Helper()
	want, got := new(T), new(T)
	werr := json.Unmarshal([]byte(in), want)
	gerr := jsonx.Decode([]byte(in), P(got))
	if (werr == nil) != (gerr == nil) {
		t.Errorf("Decode(%s) into %T: jsonx error %v, encoding/json error %v", in, got, gerr, werr)
		return false
	}
	if werr == nil {
		assert.Equal(t, want, got, "Decode(%s) into %T", in, got)
	}
	return werr == nil
}
