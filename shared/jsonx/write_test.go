package jsonx

import (
	"encoding/json"
	"math"
	"testing"
)

func TestWriterShape(t *testing.T) {
	var w Writer
	w.ObjectStart()
	w.Key("v")
	w.Int(1)
	w.Key("type")
	w.String("reply")
	w.Key("id")
	w.Raw([]byte(`"c-7"`))
	w.Key("result")
	w.ObjectStart()
	w.Key("parts")
	w.ArrayStart()
	w.ArrayStart()
	w.ArrayEnd()
	w.Uint(math.MaxUint64)
	w.ObjectStart()
	w.ObjectEnd()
	w.Null()
	w.Bool(true)
	w.Bool(false)
	w.Float(0.5)
	w.ArrayEnd()
	w.Key("e")
	w.ArrayStart()
	w.ArrayEnd()
	w.ObjectEnd()
	w.ObjectEnd()
	want := `{"v":1,"type":"reply","id":"c-7","result":{"parts":[[],18446744073709551615,{},null,true,false,0.5],"e":[]}}`
	if got := string(w.Bytes()); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestWriterStrings(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a\"b\\c/d", `"a\"b\\c/d"`},
		{"<a href='x'>&</a>", `"\u003ca href='x'\u003e\u0026\u003c/a\u003e"`},
		{"\b\f\n\r\t\x00\x1f\x7f", `"\b\f\n\r\t\u0000\u001f` + "\x7f\""},
		{"\u2028\u2029\u2027", `"\u2028\u2029` + "\u2027\""},
		{"a\xffb\xed\xa0\x80", `"a\ufffdb\ufffd\ufffd\ufffd"`},
		{"é😀", `"é😀"`},
	} {
		var w Writer
		w.String(c.in)
		j, _ := json.Marshal(c.in)
		if string(j) != c.want {
			t.Fatalf("table is wrong for %q: json.Marshal gives %s", c.in, j)
		}
		if got := string(w.Bytes()); got != c.want {
			t.Errorf("String(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestWriterNumbers(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1.5, 1e20, 1e21, 123456789e13, 1e-6, 1e-7, 5e-324,
		math.MaxFloat64, -math.SmallestNonzeroFloat64, 0.1, 1.0 / 3} {
		var w Writer
		w.Float(f)
		j, _ := json.Marshal(f)
		if string(w.Bytes()) != string(j) {
			t.Errorf("Float(%v) = %s, json.Marshal %s", f, w.Bytes(), j)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		var w Writer
		w.Float(f)
		if string(w.Bytes()) != "null" {
			t.Errorf("Float(%v) = %s, want null", f, w.Bytes())
		}
	}
	for _, n := range []int64{0, -1, math.MinInt64, math.MaxInt64} {
		var w Writer
		w.Int(n)
		if j, _ := json.Marshal(n); string(w.Bytes()) != string(j) {
			t.Errorf("Int(%d) = %s", n, w.Bytes())
		}
	}
}

// A parsed value written back keeps number literals and re-escapes strings.
func TestWriterValue(t *testing.T) {
	in := ` { "a" : [ 1.50e3 , -0, "x\u00e9<" , true , null , {} , [ ] ] , "a":false } `
	v, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var w Writer
	w.ArrayStart()
	w.Value(v)
	w.Value(Value{})
	w.ArrayEnd()
	want := `[{"a":[1.50e3,-0,"xé\u003c",true,null,{},[]],"a":false},null]`
	if got := string(w.Bytes()); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
