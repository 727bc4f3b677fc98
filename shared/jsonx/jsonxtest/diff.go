// Package jsonxtest checks jsonx against encoding/json for the types of other packages'
// tests: the same bytes out of Marshal, the same Go value out of Unmarshal. Test support
// only; the browser build never imports it.
package jsonxtest

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ferry-upload/ferry/shared/jsonx"
)

// Marshal asserts that jsonx.Marshal(v) and json.Marshal(v) agree: the same bytes, or
// both an error.
func Marshal(t testing.TB, v any) {
	t.Helper()
	want, werr := json.Marshal(v)
	got, gerr := jsonx.Marshal(v)
	if (werr == nil) != (gerr == nil) {
		t.Errorf("Marshal(%T): jsonx error %v, encoding/json error %v", v, gerr, werr)
		return
	}
	assert.Equal(t, string(want), string(got), "Marshal(%T)", v)
}

// Unmarshal asserts that unmarshalling in into a new value of proto's type (proto is a
// pointer, say (*T)(nil)) gives the same value and the same success with both codecs, and
// returns whether they did so without error.
func Unmarshal(t testing.TB, proto any, in string) bool {
	t.Helper()
	typ := reflect.TypeOf(proto).Elem()
	want, got := reflect.New(typ), reflect.New(typ)
	werr := json.Unmarshal([]byte(in), want.Interface())
	gerr := jsonx.Unmarshal([]byte(in), got.Interface())
	if (werr == nil) != (gerr == nil) {
		t.Errorf("Unmarshal(%s) into %v: jsonx error %v, encoding/json error %v", in, typ, gerr, werr)
		return false
	}
	assert.Equal(t, want.Elem().Interface(), got.Elem().Interface(), "Unmarshal(%s) into %v", in, typ)
	return werr == nil
}

// RoundTrip asserts Marshal for v, then Unmarshal of json.Marshal's output into v's type.
func RoundTrip(t testing.TB, v any) {
	t.Helper()
	Marshal(t, v)
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	rv := reflect.ValueOf(v)
	proto := reflect.New(rv.Type()).Interface()
	Unmarshal(t, proto, string(b))
}

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
