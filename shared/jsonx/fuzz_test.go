package jsonx

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// toAny is what json.Unmarshal with UseNumber makes of the same text.
func toAny(v Value) any {
	switch v.kind {
	case Bool:
		return v.s != ""
	case Number:
		return json.Number(v.s)
	case String:
		return v.s
	case Array:
		out := make([]any, len(v.items))
		for i, it := range v.items {
			out[i] = toAny(it)
		}
		return out
	case Object:
		out := make(map[string]any, len(v.members))
		for _, m := range v.members {
			out[m.Key] = toAny(m.Value)
		}
		return out
	}
	return nil
}

func unmarshalNumber(t *testing.T, data []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var out any
	if err := d.Decode(&out); err != nil {
		t.Fatalf("encoding/json: %v on %q", err, data)
	}
	return out
}

// FuzzParse: Parse accepts exactly what json.Valid does and builds what json.Unmarshal
// builds; writing the tree back and parsing it again gives the same tree.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":1,"a":[true,null,"\ud83d\ude00"]}`, `"\ud800\u0041"`, "\"\xff\xed\xa0\x80\"",
		`-0.5e+10`, strings.Repeat("[", 10001) + strings.Repeat("]", 10001), ` {"x" : {}} `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse(data)
		if err != nil && json.Valid(data) && nesting(data) > maxDepth {
			return // deeper than jsonx allows, on purpose (maxDepth)
		}
		if valid := json.Valid(data); (err == nil) != valid {
			t.Fatalf("Parse error %v, json.Valid %v, on %q", err, valid, data)
		}
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Offset < 0 || e.Offset > len(data) {
				t.Fatalf("error %#v on %q", err, data)
			}
			return
		}
		got, want := toAny(v), unmarshalNumber(t, data)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("on %q:\n got %#v\nwant %#v", data, got, want)
		}
		var w Writer
		w.Value(v)
		again, err := Parse(w.Bytes())
		if err != nil || !reflect.DeepEqual(toAny(again), got) {
			t.Fatalf("written back as %q: %v", w.Bytes(), err)
		}
	})
}

// nesting is the deepest nesting of arrays and objects in valid JSON data.
func nesting(data []byte) int {
	d := json.NewDecoder(bytes.NewReader(data))
	depth, most := 0, 0
	for {
		tok, err := d.Token()
		if err != nil {
			return most
		}
		switch tok {
		case json.Delim('['), json.Delim('{'):
			depth++
			most = max(most, depth)
		case json.Delim(']'), json.Delim('}'):
			depth--
		}
	}
}

// FuzzString: the Writer quotes any string exactly as json.Marshal does.
func FuzzString(f *testing.F) {
	for _, s := range []string{"", "a\"b\\c/", "<&>\u2028\u2029", "\x00\x1f\b\f\n\r\t\x7f", "\xff\xed\xa0\x80é😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var w Writer
		w.String(s)
		want, _ := json.Marshal(s)
		if !bytes.Equal(w.Bytes(), want) {
			t.Fatalf("String(%q) = %s, json.Marshal %s", s, w.Bytes(), want)
		}
	})
}

// FuzzRoundTrip: a tree built from the fuzz bytes, written by the Writer, reads back with
// json.Unmarshal as that tree; and numbers are written as json.Marshal writes them.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("\x05\x03ab\x02\x04\x01\x00\x06"), int64(math.MinInt64), uint64(math.MaxUint64), 1e21)
	f.Add([]byte("\x06\x02\xff<\x01\x03\x01\x00"), int64(math.MaxInt64), uint64(0), 1e-7)
	f.Add([]byte("\x05\x05\x05\x05\x02"), int64(-1), uint64(1), math.Copysign(0, -1))
	f.Fuzz(func(t *testing.T, data []byte, i int64, u uint64, x float64) {
		g := gen{data: data, i: i, u: u, x: x}
		var w Writer
		want := g.value(&w, 0)
		if got := unmarshalNumber(t, w.Bytes()); !reflect.DeepEqual(got, want) {
			t.Fatalf("wrote %q:\n read %#v\n want %#v", w.Bytes(), got, want)
		}
		for _, c := range []struct {
			write func(*Writer)
			v     any
		}{{func(w *Writer) { w.Int(i) }, i}, {func(w *Writer) { w.Uint(u) }, u}, {func(w *Writer) { w.Float(x) }, x}} {
			var w Writer
			c.write(&w)
			want, err := json.Marshal(c.v)
			if err != nil {
				want = []byte("null") // NaN, ±Inf: see Float
			}
			if !bytes.Equal(w.Bytes(), want) {
				t.Fatalf("wrote %s for %v, json.Marshal %s", w.Bytes(), c.v, want)
			}
		}
	})
}

// gen builds a value from fuzz bytes, writing it and returning what json.Unmarshal (with
// UseNumber) should read.
type gen struct {
	data []byte
	i    int64
	u    uint64
	x    float64
}

func (g *gen) byte() byte {
	if len(g.data) == 0 {
		return 0
	}
	b := g.data[0]
	g.data = g.data[1:]
	return b
}

func (g *gen) str() string {
	n := min(int(g.byte()), len(g.data))
	s := string(g.data[:n])
	g.data = g.data[n:]
	return s
}

// replaced is s as it reads back: each byte of invalid UTF-8 becomes U+FFFD.
func replaced(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}

func (g *gen) value(w *Writer, depth int) any {
	op := g.byte() % 8
	if depth > 20 && op >= 5 {
		op = 0
	}
	switch op {
	case 0:
		w.Null()
		return nil
	case 1:
		b := g.byte()&1 == 1
		w.Bool(b)
		return b
	case 2:
		w.Int(g.i)
		return json.Number(strconv.FormatInt(g.i, 10))
	case 3:
		w.Uint(g.u)
		return json.Number(strconv.FormatUint(g.u, 10))
	case 4:
		s := g.str()
		w.String(s)
		return replaced(s)
	case 5, 7:
		w.ArrayStart()
		out := []any{}
		for n := g.byte() % 5; n > 0; n-- {
			out = append(out, g.value(w, depth+1))
		}
		w.ArrayEnd()
		return out
	default:
		w.ObjectStart()
		out := map[string]any{}
		for n := g.byte() % 5; n > 0; n-- {
			k := g.str()
			w.Key(k)
			out[replaced(k)] = g.value(w, depth+1)
		}
		w.ObjectEnd()
		return out
	}
}
