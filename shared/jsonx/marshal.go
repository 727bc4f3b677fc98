package jsonx

import (
	"encoding"
	"encoding/base64"
	"math"
	"reflect"
	"strconv"
)

// Marshaler and Unmarshaler have encoding/json's method names, so a type's existing
// MarshalJSON/UnmarshalJSON serve both codecs.
type Marshaler interface {
	MarshalJSON() ([]byte, error)
}

type Unmarshaler interface {
	UnmarshalJSON([]byte) error
}

type isZeroer interface{ IsZero() bool }

var (
	marshalerType       = reflect.TypeFor[Marshaler]()
	textMarshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	isZeroerType        = reflect.TypeFor[isZeroer]()
	numberType          = reflect.TypeFor[NumberText]()
)

// maxMarshalDepth stops a cyclic value (encoding/json detects cycles; a wasm stack would
// overflow long before its 1000 pointer levels).
const maxMarshalDepth = 512

// Marshal writes v as json.Marshal does: struct tags (name, omitempty, omitzero, string,
// "-") and embedding, MarshalJSON and MarshalText methods (called by type assertion), maps
// with string or integer keys in sorted order, []byte as base64, HTML-safe strings.
func Marshal(v any) ([]byte, error) {
	e := encoder{}
	if err := e.value(reflect.ValueOf(v), false, 0); err != nil {
		return nil, err
	}
	return e.b, nil
}

type encoder struct{ b []byte }

func unsupported(t reflect.Type, msg string) *Error {
	return &Error{Offset: -1, Msg: "cannot marshal " + t.String() + ": " + msg}
}

func (e *encoder) value(v reflect.Value, quoted bool, depth int) error {
	if !v.IsValid() {
		e.b = append(e.b, "null"...)
		return nil
	}
	if depth > maxMarshalDepth {
		return unsupported(v.Type(), "nested too deep (a cycle?)")
	}
	t := v.Type()
	if t.Kind() != reflect.Pointer && v.CanAddr() && reflect.PointerTo(t).Implements(marshalerType) {
		return e.marshaler(v.Addr())
	}
	if t.Implements(marshalerType) {
		return e.marshaler(v)
	}
	if t.Kind() != reflect.Pointer && v.CanAddr() && reflect.PointerTo(t).Implements(textMarshalerType) {
		return e.textMarshaler(v.Addr())
	}
	if t.Implements(textMarshalerType) {
		return e.textMarshaler(v)
	}
	switch t.Kind() {
	case reflect.Bool:
		e.quote(quoted)
		e.b = strconv.AppendBool(e.b, v.Bool())
		e.quote(quoted)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.quote(quoted)
		e.b = strconv.AppendInt(e.b, v.Int(), 10)
		e.quote(quoted)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		e.quote(quoted)
		e.b = strconv.AppendUint(e.b, v.Uint(), 10)
		e.quote(quoted)
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return unsupported(t, "unsupported value "+strconv.FormatFloat(f, 'g', -1, 64))
		}
		e.quote(quoted)
		e.b = appendFloat(e.b, f, t.Bits())
		e.quote(quoted)
	case reflect.String:
		if t == numberType {
			n := v.String()
			if n == "" {
				n = "0"
			}
			if !validNumber(n) {
				return unsupported(t, "invalid number literal "+strconv.Quote(n))
			}
			e.quote(quoted)
			e.b = append(e.b, n...)
			e.quote(quoted)
			return nil
		}
		if quoted {
			e.b = appendString(e.b, string(appendString(nil, v.String(), true)), false)
			return nil
		}
		e.b = appendString(e.b, v.String(), true)
	case reflect.Interface:
		if v.IsNil() {
			e.b = append(e.b, "null"...)
			return nil
		}
		return e.value(v.Elem(), false, depth+1)
	case reflect.Pointer:
		if v.IsNil() {
			e.b = append(e.b, "null"...)
			return nil
		}
		return e.value(v.Elem(), quoted, depth+1)
	case reflect.Struct:
		return e.structValue(v, depth)
	case reflect.Map:
		return e.mapValue(v, depth)
	case reflect.Slice:
		if v.IsNil() {
			e.b = append(e.b, "null"...)
			return nil
		}
		if p := reflect.PointerTo(t.Elem()); t.Elem().Kind() == reflect.Uint8 && !p.Implements(marshalerType) && !p.Implements(textMarshalerType) {
			e.b = append(e.b, '"')
			e.b = base64.StdEncoding.AppendEncode(e.b, v.Bytes())
			e.b = append(e.b, '"')
			return nil
		}
		return e.array(v, depth)
	case reflect.Array:
		return e.array(v, depth)
	default:
		return unsupported(t, "unsupported type")
	}
	return nil
}

func (e *encoder) quote(quoted bool) {
	if quoted {
		e.b = append(e.b, '"')
	}
}

func (e *encoder) marshaler(v reflect.Value) error {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		e.b = append(e.b, "null"...)
		return nil
	}
	m, _ := v.Interface().(Marshaler)
	if m == nil { // a nil interface value
		e.b = append(e.b, "null"...)
		return nil
	}
	b, err := m.MarshalJSON()
	if err != nil {
		return &Error{Offset: -1, Msg: "MarshalJSON of " + v.Type().String(), Err: err}
	}
	if _, err := Parse(b); err != nil {
		return &Error{Offset: -1, Msg: "MarshalJSON of " + v.Type().String() + " wrote invalid JSON", Err: err}
	}
	e.b = appendCompact(e.b, b)
	return nil
}

func (e *encoder) textMarshaler(v reflect.Value) error {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		e.b = append(e.b, "null"...)
		return nil
	}
	m, _ := v.Interface().(encoding.TextMarshaler)
	if m == nil {
		e.b = append(e.b, "null"...)
		return nil
	}
	b, err := m.MarshalText()
	if err != nil {
		return &Error{Offset: -1, Msg: "MarshalText of " + v.Type().String(), Err: err}
	}
	e.b = appendString(e.b, string(b), true)
	return nil
}

// appendCompact appends valid JSON without its insignificant spaces, with <, >, &, U+2028
// and U+2029 escaped, as encoding/json treats a MarshalJSON result.
func appendCompact(dst, src []byte) []byte {
	inString, escaped := false, false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '<' || c == '>' || c == '&':
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			continue
		case c == 0xE2 && i+2 < len(src) && src[i+1] == 0x80 && src[i+2]&^1 == 0xA8:
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[src[i+2]&0xF])
			i += 2
			continue
		case !inString && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			continue
		}
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		}
		dst = append(dst, c)
	}
	return dst
}

func (e *encoder) structValue(v reflect.Value, depth int) error {
	e.b = append(e.b, '{')
	first := true
fields:
	for _, f := range cachedFields(v.Type()).list {
		fv := v
		for _, i := range f.index {
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue fields
				}
				fv = fv.Elem()
			}
			fv = fv.Field(i)
		}
		if f.omitEmpty && isEmpty(fv) || f.omitZero && isZero(fv) {
			continue
		}
		if !first {
			e.b = append(e.b, ',')
		}
		first = false
		e.b = appendString(e.b, f.name, true)
		e.b = append(e.b, ':')
		if err := e.value(fv, f.quoted, depth+1); err != nil {
			return err
		}
	}
	e.b = append(e.b, '}')
	return nil
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// isZero is omitzero's test: the type's IsZero method when it has one, else the zero value.
func isZero(v reflect.Value) bool {
	t := v.Type()
	switch {
	case t.Kind() == reflect.Interface && t.Implements(isZeroerType):
		return v.IsNil() || v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil() || v.Interface().(isZeroer).IsZero()
	case t.Kind() == reflect.Pointer && t.Implements(isZeroerType):
		return v.IsNil() || v.Interface().(isZeroer).IsZero()
	case t.Implements(isZeroerType):
		return v.Interface().(isZeroer).IsZero()
	case reflect.PointerTo(t).Implements(isZeroerType):
		if !v.CanAddr() {
			v2 := reflect.New(t).Elem()
			v2.Set(v)
			v = v2
		}
		return v.Addr().Interface().(isZeroer).IsZero()
	}
	return v.IsZero()
}

func (e *encoder) mapValue(v reflect.Value, depth int) error {
	kt := v.Type().Key()
	switch kt.Kind() {
	case reflect.String:
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if kt.Implements(textMarshalerType) {
			return unsupported(v.Type(), "map keys with MarshalText are not supported")
		}
	default:
		return unsupported(v.Type(), "map keys must be strings or integers")
	}
	if v.IsNil() {
		e.b = append(e.b, "null"...)
		return nil
	}
	type kv struct {
		k string
		v reflect.Value
	}
	entries := make([]kv, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		k := it.Key()
		var s string
		switch kt.Kind() {
		case reflect.String:
			s = k.String()
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			s = strconv.FormatInt(k.Int(), 10)
		default:
			s = strconv.FormatUint(k.Uint(), 10)
		}
		entries = append(entries, kv{s, it.Value()})
	}
	// Insertion sort: maps in messages are small, and slices.SortFunc's instantiation costs
	// the module ~20 KB.
	for i := 1; i < len(entries); i++ {
		for j := i; j > 0 && entries[j].k < entries[j-1].k; j-- {
			entries[j], entries[j-1] = entries[j-1], entries[j]
		}
	}
	e.b = append(e.b, '{')
	for i, en := range entries {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.b = appendString(e.b, en.k, true)
		e.b = append(e.b, ':')
		if err := e.value(en.v, false, depth+1); err != nil {
			return err
		}
	}
	e.b = append(e.b, '}')
	return nil
}

func (e *encoder) array(v reflect.Value, depth int) error {
	e.b = append(e.b, '[')
	for i := 0; i < v.Len(); i++ {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		if err := e.value(v.Index(i), false, depth+1); err != nil {
			return err
		}
	}
	e.b = append(e.b, ']')
	return nil
}

// appendFloat writes f as encoding/json does for a float of the given bits.
func appendFloat(b []byte, f float64, bits int) []byte {
	format := byte('f')
	if a := math.Abs(f); a != 0 {
		if bits == 64 && (a < 1e-6 || a >= 1e21) || bits == 32 && (float32(a) < 1e-6 || float32(a) >= 1e21) {
			format = 'e'
		}
	}
	b = strconv.AppendFloat(b, f, format, -1, bits)
	if format == 'e' {
		// Shorten e-09 to e-9, as encoding/json does.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// validNumber reports whether s is a JSON number literal.
func validNumber(s string) bool {
	p := parser{b: []byte(s)}
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return false
	}
	return p.number() == nil && p.i == len(s)
}
