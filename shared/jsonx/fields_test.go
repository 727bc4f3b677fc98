package jsonx

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// target is a message as a struct, for comparing Fields with json.Unmarshal.
type target struct {
	ID      string   `json:"id"`
	Size    int64    `json:"size"`
	Crc     uint64   `json:"crc"`
	Rate    float64  `json:"rate"`
	Done    bool     `json:"done"`
	Upload  upload   `json:"upload"`
	Targets []target `json:"targets"`
}

type upload struct {
	Path string `json:"path"`
}

func readTarget(f Fields) target {
	t := target{ID: f.Str("id"), Size: f.Int64("size"), Crc: f.Uint64("crc"), Rate: f.Float64("rate"), Done: f.Bool("done"),
		Upload: upload{Path: f.Object("upload").Str("path")}}
	for _, it := range f.Array("targets") {
		t.Targets = append(t.Targets, readTarget(f.Read(it)))
	}
	return t
}

// Fields reads as json.Unmarshal fills a struct: same values, and an error exactly when
// encoding/json gives one.
func TestFieldsLikeUnmarshal(t *testing.T) {
	for _, in := range []string{
		`{"id":"a","size":-5,"crc":18446744073709551615,"rate":0.25,"done":true,"upload":{"path":"/p"},
		  "targets":[{"id":"b"},{"size":2,"targets":null}]}`,
		`{"id":null,"size":null,"upload":null,"targets":null,"extra":[1,{"x":2}]}`,
		`{}`, `null`, `{"id":"x","id":"y"}`,
		`{"id":1}`, `{"size":"1"}`, `{"size":1.5}`, `{"size":9223372036854775808}`, `{"crc":-1}`,
		`{"rate":1e400}`, `{"done":"true"}`, `{"upload":[]}`, `{"upload":{"path":false}}`,
		`{"targets":{}}`, `{"targets":[1]}`, `{"targets":[{"id":true}]}`, `[]`, `"s"`,
	} {
		var want target
		jerr := json.Unmarshal([]byte(in), &want)
		v, err := Parse([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		f := Read(v)
		got := readTarget(f)
		if (f.Err() == nil) != (jerr == nil) {
			t.Errorf("%s: Fields error %v, encoding/json %v", in, f.Err(), jerr)
			continue
		}
		if jerr == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", in, got, want)
		}
	}
}

func TestFieldsFirstError(t *testing.T) {
	v, _ := Parse([]byte(`{"a":{"b":"x"},"c":true}`))
	f := Read(v)
	_ = f.Object("a").Int64("b")
	_ = f.Str("c")
	var e *Error
	if !errors.As(f.Err(), &e) || e.Offset != 10 || e.Msg != "b: want an integer" {
		t.Errorf("Err() = %v, want the first error (b, at 10)", f.Err())
	}
	if Read(Value{}).Err() != nil {
		t.Error("reading Absent is an error")
	}
}

// Fail records a decoder's own refusal at the member, after any earlier error.
func TestFieldsFail(t *testing.T) {
	v, err := Parse([]byte(`{"a":"x","b":"12z"}`))
	if err != nil {
		t.Fatal(err)
	}
	f := Read(v)
	f.Fail("b", "a number in a string")
	var e *Error
	if !errors.As(f.Err(), &e) || e.Offset != 13 || e.Msg != "b: want a number in a string" {
		t.Fatalf("Fail recorded %#v", f.Err())
	}
	f.Fail("a", "something else")
	if !errors.As(f.Err(), &e) || e.Offset != 13 {
		t.Fatalf("a second Fail replaced the first error: %v", f.Err())
	}
}
