package jsonx_test

import (
	"encoding/json"
	"testing"

	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/jsonx/jsonxtest"
)

// FuzzUnmarshal: into Outer (every shape Marshal/Unmarshal give meaning to, Ferry's among
// them: tags, embedding, ,string, pointers, maps, RawMessage, time.Time, methods) and into
// any, jsonx.Unmarshal fills the same value and fails on the same inputs as json.Unmarshal.
func FuzzUnmarshal(f *testing.F) {
	enc, err := jsonx.Marshal(full())
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{string(enc), `{"str":"05","strB":"true","c":true,"ID":1,"iD":"x"}`,
		`{"map":{"a":1},"map":{"b":"x"},"slice":[{"a":"1"}],"slice":[]}`, `{"any":[1e400,{"k":null}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := jsonx.Parse(data); err != nil && json.Valid(data) {
			return // nested deeper than jsonx allows, on purpose (FuzzParse checks the rest)
		}
		jsonxtest.Unmarshal(t, (*Outer)(nil), string(data))
		jsonxtest.Unmarshal(t, (*any)(nil), string(data))
	})
}
