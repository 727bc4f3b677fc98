// Package jsonx is a small JSON codec for the browser build: a parser into a tree of Values,
// an append-style Writer, and hand codecs over them (Encoder, Decoder: each type writes and
// reads its own members). It uses neither reflection nor fmt: with encoding/json or any
// reflective codec, ferry.wasm links reflect and the methods reflection could reach (about
// 75 KB gzip more). What it accepts and produces matches encoding/json (its tests check this
// differentially and by fuzzing; jsonxtest does the same for other packages' types).
package jsonx

import "strconv"

// Kind is the kind of a Value.
type Kind uint8

const (
	Absent Kind = iota // the zero Value: a missing member, an index out of range
	Null
	Bool
	Number
	String
	Array
	Object
)

// Value is one parsed JSON value. The zero Value is Absent, so lookups chain safely:
// v.Get("upload").Get("id").Str() is ("", false) when any step is missing.
type Value struct {
	kind    Kind
	off     int      // where the value starts in the parsed input
	end     int      // and where it ends
	s       string   // String: its text; Number: its literal; Bool: "true" or ""
	items   []Value  // Array
	members []Member // Object, in input order (duplicates kept)
}

// Member is one member of an object.
type Member struct {
	Key   string
	Value Value
}

// Error is a malformed input, a value of the wrong kind (at a byte offset of the input, in
// Field: the dotted path of the struct field being filled, when any), or a Go value Marshal
// cannot write (Offset -1). Err is an error a MarshalJSON or UnmarshalJSON method returned.
type Error struct {
	Offset int
	Field  string
	Msg    string
	Err    error
}

func (e *Error) Error() string {
	s := "jsonx: " + e.Msg
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	if e.Offset >= 0 {
		s += " at offset " + strconv.Itoa(e.Offset)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

func (v Value) Kind() Kind     { return v.kind }
func (v Value) Offset() int    { return v.off }
func (v Value) Exists() bool   { return v.kind != Absent }
func (v Value) IsNull() bool   { return v.kind == Null }
func (v Value) Len() int       { return len(v.items) + len(v.members) }
func (v Value) Items() []Value { return v.items }

// Members are an object's members in input order, duplicates included.
func (v Value) Members() []Member { return v.members }

// Index is an array's i-th item, or Absent.
func (v Value) Index(i int) Value {
	if i < 0 || i >= len(v.items) {
		return Value{}
	}
	return v.items[i]
}

// Get is the object's member named key, the last one when the name repeats (as
// encoding/json's Unmarshal keeps the last), or Absent. Names match exactly.
func (v Value) Get(key string) Value {
	for i := len(v.members) - 1; i >= 0; i-- {
		if v.members[i].Key == key {
			return v.members[i].Value
		}
	}
	return Value{}
}

func (v Value) Bool() (b, ok bool) { return v.kind == Bool && v.s != "", v.kind == Bool }

func (v Value) Str() (string, bool) {
	if v.kind != String {
		return "", false
	}
	return v.s, true
}

// Number is a number's literal text, as in the input.
func (v Value) Number() (string, bool) {
	if v.kind != Number {
		return "", false
	}
	return v.s, true
}

// Int64 is a number that is an integer literal (no fraction, no exponent: as encoding/json
// decodes into an int64) within range.
func (v Value) Int64() (int64, bool) {
	if v.kind != Number {
		return 0, false
	}
	n, err := strconv.ParseInt(v.s, 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// Uint64 is a number that is a non-negative integer literal within range.
func (v Value) Uint64() (uint64, bool) {
	if v.kind != Number {
		return 0, false
	}
	n, err := strconv.ParseUint(v.s, 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// Float64 is a number within float64's range.
func (v Value) Float64() (float64, bool) {
	if v.kind != Number {
		return 0, false
	}
	f, err := strconv.ParseFloat(v.s, 64)
	if err != nil {
		return 0, false
	}
	return f, true
}
