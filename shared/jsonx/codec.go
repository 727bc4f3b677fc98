package jsonx

import "strconv"

// Encoder is a type that writes itself as one JSON value, by hand: no reflection, so the
// browser build links only the code of the types it really encodes.
type Encoder interface{ EncodeJSON(w *Writer) }

// Decoder is a type that reads itself from an object through Fields (which keeps the first
// error). An absent or null value reaches it as an empty object: every member is missing.
type Decoder interface{ DecodeJSON(f Fields) }

// Encode is v's JSON.
func Encode(v Encoder) []byte {
	var w Writer
	v.EncodeJSON(&w)
	return w.b
}

// Decode parses data whole, lets v read it and returns the first error: malformed input, a
// value that is not an object or null, or a member of the wrong kind. As with
// json.Unmarshal, a member that is missing or null leaves the zero value and unknown
// members are ignored.
func Decode(data []byte, v Decoder) error {
	root, err := Parse(data)
	if err != nil {
		return err
	}
	f := Read(root)
	v.DecodeJSON(f)
	return f.Err()
}

// Member writers: each writes a key and its value, as encoding/json writes a struct field
// of that type. The Opt forms leave the member out when the value is empty (omitempty):
// "", 0, false, a nil or empty slice or map.

func (w *Writer) Str(k, s string)           { w.Key(k); w.String(s) }
func (w *Writer) Int64(k string, n int64)   { w.Key(k); w.Int(n) }
func (w *Writer) Uint64(k string, n uint64) { w.Key(k); w.Uint(n) }
func (w *Writer) Flag(k string, b bool)     { w.Key(k); w.Bool(b) }
func (w *Writer) Float64(k string, f float64) {
	w.Key(k)
	w.Float(f)
}

// Member writes v under k; EncodeJSON is called on v even when v is a nil pointer, so a
// caller with an optional member tests it first.
func (w *Writer) Member(k string, v Encoder) { w.Key(k); v.EncodeJSON(w) }

// RawMember writes JSON already encoded (null when nil, as json.RawMessage).
func (w *Writer) RawMember(k string, raw RawMessage) {
	w.Key(k)
	if raw == nil {
		w.Null()
		return
	}
	w.Raw(raw)
}

// Strings writes ss as an array (null when nil, as encoding/json).
func (w *Writer) Strings(k string, ss []string) {
	w.Key(k)
	if ss == nil {
		w.Null()
		return
	}
	w.ArrayStart()
	for _, s := range ss {
		w.String(s)
	}
	w.ArrayEnd()
}

// StrMap writes m as an object with its keys sorted (null when nil, as encoding/json).
func (w *Writer) StrMap(k string, m map[string]string) {
	w.Key(k)
	if m == nil {
		w.Null()
		return
	}
	keys := make([]string, 0, len(m))
	for key := range m {
		// Insertion sort: these maps hold a few headers or labels, and slices.Sort's
		// instantiation for strings would add ~19 KB to the browser build.
		i := len(keys)
		keys = append(keys, key)
		for ; i > 0 && keys[i-1] > key; i-- {
			keys[i] = keys[i-1]
		}
		keys[i] = key
	}
	w.ObjectStart()
	for _, key := range keys {
		w.Str(key, m[key])
	}
	w.ObjectEnd()
}

func (w *Writer) OptStr(k, s string) {
	if s != "" {
		w.Str(k, s)
	}
}

func (w *Writer) OptInt64(k string, n int64) {
	if n != 0 {
		w.Int64(k, n)
	}
}

func (w *Writer) OptUint64(k string, n uint64) {
	if n != 0 {
		w.Uint64(k, n)
	}
}

func (w *Writer) OptFlag(k string, b bool) {
	if b {
		w.Flag(k, b)
	}
}

func (w *Writer) OptFloat64(k string, f float64) {
	if f != 0 {
		w.Float64(k, f)
	}
}

func (w *Writer) OptRawMember(k string, raw RawMessage) {
	if len(raw) != 0 {
		w.RawMember(k, raw)
	}
}

func (w *Writer) OptStrings(k string, ss []string) {
	if len(ss) != 0 {
		w.Strings(k, ss)
	}
}

func (w *Writer) OptStrMap(k string, m map[string]string) {
	if len(m) != 0 {
		w.StrMap(k, m)
	}
}

// QuotedUint64 writes n as a string, as encoding/json writes a uint64 field tagged
// ",string" (a CRC-64 that JavaScript's numbers cannot hold).
func (w *Writer) QuotedUint64(k string, n uint64) {
	w.Key(k)
	w.String(strconv.FormatUint(n, 10))
}

// Member readers beside Str, Int64, Bool, Object and Array (fields.go).

// Int is Int64 for an int field.
func (f Fields) Int(key string) int {
	v := f.member(key, Number, "an integer")
	n, ok := v.Int64()
	if (!ok || int64(int(n)) != n) && v.kind == Number {
		f.fail(v, key+": want an int")
	}
	return int(n)
}

// Decode lets d read the object under key (missing or null: every member missing).
func (f Fields) Decode(key string, d Decoder) { d.DecodeJSON(f.Object(key)) }

// Strings is an array of strings: nil when missing or null, empty (not nil) for [].
func (f Fields) Strings(key string) []string {
	v := f.member(key, Array, "an array")
	if v.kind != Array {
		return nil
	}
	out := make([]string, 0, len(v.items))
	for _, it := range v.items {
		s, ok := it.Str()
		if !ok && it.kind != Null {
			f.fail(it, key+": want strings")
		}
		out = append(out, s)
	}
	return out
}

// StrMap is an object of strings: nil when missing or null; a null member is "" and for
// duplicate keys the last wins, as encoding/json.
func (f Fields) StrMap(key string) map[string]string {
	v := f.member(key, Object, "an object")
	if v.kind != Object {
		return nil
	}
	out := make(map[string]string, len(v.members))
	for _, m := range v.members {
		s, ok := m.Value.Str()
		if !ok && m.Value.kind != Null {
			f.fail(m.Value, key+"."+m.Key+": want a string")
		}
		out[m.Key] = s
	}
	return out
}

// Raw is the member's JSON, compact, as a RawMessage keeps it (nil when missing; the
// literal null when null, as json.RawMessage).
func (f Fields) Raw(key string) RawMessage {
	v := f.v.Get(key)
	if v.kind == Absent {
		return nil
	}
	var w Writer
	w.Value(v)
	return w.b
}

// QuotedUint64 reads a uint64 written as a string (",string"); a missing or null member
// is 0.
func (f Fields) QuotedUint64(key string) uint64 {
	v := f.member(key, String, "a string")
	if v.kind != String {
		return 0
	}
	n, err := strconv.ParseUint(v.s, 10, 64)
	if err != nil {
		f.fail(v, key+": want a uint64 in a string")
	}
	return n
}
