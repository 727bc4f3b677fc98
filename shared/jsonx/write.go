package jsonx

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// Writer appends JSON to a buffer, placing the commas itself: a value or key that follows
// another in the same container gets one. It does not check the structure (a Key outside an
// object, unbalanced ends): its callers write fixed shapes.
type Writer struct {
	b     []byte
	comma bool // the next value or key follows a sibling
}

// Bytes is what was written.
func (w *Writer) Bytes() []byte { return w.b }

func (w *Writer) sep() {
	if w.comma {
		w.b = append(w.b, ',')
	}
	w.comma = true
}

func (w *Writer) ObjectStart() { w.sep(); w.b = append(w.b, '{'); w.comma = false }
func (w *Writer) ObjectEnd()   { w.b = append(w.b, '}'); w.comma = true }
func (w *Writer) ArrayStart()  { w.sep(); w.b = append(w.b, '['); w.comma = false }
func (w *Writer) ArrayEnd()    { w.b = append(w.b, ']'); w.comma = true }

// Key writes a member name and its colon; the member's value is written next.
func (w *Writer) Key(k string) {
	w.sep()
	w.b = appendString(w.b, k, true)
	w.b = append(w.b, ':')
	w.comma = false
}

func (w *Writer) String(s string) { w.sep(); w.b = appendString(w.b, s, true) }
func (w *Writer) Int(n int64)     { w.sep(); w.b = strconv.AppendInt(w.b, n, 10) }
func (w *Writer) Uint(n uint64)   { w.sep(); w.b = strconv.AppendUint(w.b, n, 10) }
func (w *Writer) Null()           { w.sep(); w.b = append(w.b, "null"...) }

func (w *Writer) Bool(b bool) {
	w.sep()
	w.b = strconv.AppendBool(w.b, b)
}

// Float writes f as encoding/json writes a float64. JSON has no NaN or infinity: they are
// written as null (encoding/json fails the whole Marshal instead).
func (w *Writer) Float(f float64) {
	w.sep()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		w.b = append(w.b, "null"...)
		return
	}
	w.b = appendFloat(w.b, f, 64)
}

// Raw writes JSON that is already encoded (the caller vouches for it).
func (w *Writer) Raw(json []byte) { w.sep(); w.b = append(w.b, json...) }

// Value writes a parsed value back, compact (numbers keep their literal text).
func (w *Writer) Value(v Value) {
	switch v.kind {
	case Null, Absent:
		w.Null()
	case Bool:
		w.Bool(v.s != "")
	case Number:
		w.sep()
		w.b = append(w.b, v.s...)
	case String:
		w.String(v.s)
	case Array:
		w.ArrayStart()
		for _, it := range v.items {
			w.Value(it)
		}
		w.ArrayEnd()
	case Object:
		w.ObjectStart()
		for _, m := range v.members {
			w.Key(m.Key)
			w.Value(m.Value)
		}
		w.ObjectEnd()
	}
}

const hexDigits = "0123456789abcdef"

// appendString quotes s exactly as encoding/json does by default: \" \\ \b \f \n \r \t, other
// control bytes and the HTML-sensitive <, > and & as \u00XX (unless html is false: the outer
// quoting of a ",string" string), U+2028 and U+2029 escaped, and each byte of invalid UTF-8
// as \ufffd.
func appendString(b []byte, s string, html bool) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= ' ' && c != '"' && c != '\\' && (!html || c != '<' && c != '>' && c != '&') {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += n
			continue
		}
		i += n
		start = i
	}
	return append(append(b, s[start:]...), '"')
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
