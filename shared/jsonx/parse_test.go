package jsonx

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParseValidity(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{`0`, true}, {`-0`, true}, {`-0.0e-0`, true}, {`1E+2`, true}, {` 12 `, true}, {"\t\r\n[]\n", true},
		{`01`, false}, {`-`, false}, {`1.`, false}, {`.5`, false}, {`1e`, false}, {`+1`, false}, {`0x1`, false},
		{`""`, true}, {`"\/\b\f\n\r\t\"\\"`, true}, {`"\uD83D\uDE00"`, true}, {`"\u12"`, false},
		{`"\'"`, false}, {`"\x41"`, false}, {"\"\x1f\"", false}, {"\"\x7f\xff\"", true}, {`"abc`, false},
		{`{"a":1,}`, false}, {`[1,]`, false}, {`{"a" 1}`, false}, {`{1:2}`, false}, {`[1 2]`, false},
		{`nul`, false}, {`truex`, false}, {`[true,false,null]`, true}, {``, false}, {` `, false},
		{`1 2`, false}, {`{}{}`, false}, {"\xef\xbb\xbf1", false}, {`{"a":{"b":[{}]}}`, true},
	} {
		_, err := Parse([]byte(c.in))
		if (err == nil) != c.ok || json.Valid([]byte(c.in)) != c.ok {
			t.Errorf("Parse(%q) error %v, want ok=%v (json.Valid %v)", c.in, err, c.ok, json.Valid([]byte(c.in)))
		}
	}
}

func TestParseNestingLimit(t *testing.T) {
	for _, c := range []struct {
		depth int
		ok    bool
	}{{maxDepth, true}, {maxDepth + 1, false}} {
		for _, open := range []string{"[", `{"a":`} {
			close := map[string]string{"[": "]", `{"a":`: "}"}[open]
			in := []byte(strings.Repeat(open, c.depth) + "1" + strings.Repeat(close, c.depth))
			// Both are valid JSON; jsonx refuses the deeper one on purpose (maxDepth).
			if _, err := Parse(in); (err == nil) != c.ok || !json.Valid(in) {
				t.Errorf("depth %d of %s: error %v, want ok=%v", c.depth, open, err, c.ok)
			}
		}
	}
}

func TestParseStrings(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`"plain é"`, "plain é"},
		{`"\u0041\u00e9\u20AC"`, "Aé€"},
		{`"\ud83d\ude00"`, "😀"},
		{`"\ud83d"`, "\uFFFD"},              // lone high surrogate
		{`"\ude00\ud83d\ude00"`, "\uFFFD😀"}, // lone low, then a pair
		{`"\ud83d\u0041"`, "\uFFFDA"},       // the next escape is kept
		{`"\ud83d\ud83d\ude00"`, "\uFFFD😀"}, // high, high+low
		{`"\ud83dx"`, "\uFFFDx"},
		{"\"a\xffb\"", "a\uFFFDb"},                 // invalid UTF-8, byte by byte
		{"\"\xed\xa0\x80\"", "\uFFFD\uFFFD\uFFFD"}, // an encoded surrogate
		{"\"\\n\xc3\"", "\n\uFFFD"},
	} {
		v, err := Parse([]byte(c.in))
		got, ok := v.Str()
		var want string
		if jerr := json.Unmarshal([]byte(c.in), &want); jerr != nil || want != c.want {
			t.Fatalf("table is wrong for %s: encoding/json gives %q, %v", c.in, want, jerr)
		}
		if err != nil || !ok || got != c.want {
			t.Errorf("Parse(%s) = %q, %v, %v; want %q", c.in, got, ok, err, c.want)
		}
	}
}

func TestParseErrorOffset(t *testing.T) {
	for _, c := range []struct {
		in  string
		off int
	}{{`[1,]`, 3}, {`{"a":1 "b"}`, 7}, {`"\q"`, 2}, {`[1] x`, 4}, {`[`, 1}} {
		_, err := Parse([]byte(c.in))
		var e *Error
		if !errors.As(err, &e) || e.Offset != c.off {
			t.Errorf("Parse(%q) = %v, want an *Error at offset %d", c.in, err, c.off)
		}
	}
}

func TestValueAccess(t *testing.T) {
	v, err := Parse([]byte(`{"upload":{"id":"u1","path":"/a/b","partSize":8388608,
		"targets":[{"n":1,"url":"https://x/1"},{"n":2,"url":"https://x/2"}]},
		"dup":1,"dup":"last","t":true,"f":false,"z":null}`))
	if err != nil {
		t.Fatal(err)
	}
	up := v.Get("upload")
	if s, ok := up.Get("id").Str(); !ok || s != "u1" {
		t.Errorf("upload.id = %q, %v", s, ok)
	}
	if n, ok := up.Get("partSize").Int64(); !ok || n != 8388608 {
		t.Errorf("upload.partSize = %d, %v", n, ok)
	}
	ts := up.Get("targets")
	if ts.Kind() != Array || ts.Len() != 2 || len(ts.Items()) != 2 {
		t.Fatalf("targets: %v", ts.Kind())
	}
	if s, _ := ts.Index(1).Get("url").Str(); s != "https://x/2" {
		t.Errorf("targets[1].url = %q", s)
	}
	if ts.Index(2).Exists() || ts.Index(-1).Exists() {
		t.Error("an index out of range exists")
	}
	if s, ok := v.Get("dup").Str(); !ok || s != "last" {
		t.Errorf("dup = %q, %v: want the last member", s, ok)
	}
	if len(v.Members()) != 6 || v.Members()[1].Key != "dup" {
		t.Errorf("members: %v", v.Members())
	}
	if b, ok := v.Get("t").Bool(); !ok || !b {
		t.Error("t is not true")
	}
	if b, ok := v.Get("f").Bool(); !ok || b {
		t.Error("f is not false")
	}
	if !v.Get("z").IsNull() || v.Get("missing").Exists() || v.Get("missing").Get("x").Exists() {
		t.Error("null/missing")
	}
	if _, ok := v.Get("upload").Get("id").Int64(); ok {
		t.Error("a string read as a number")
	}
	if _, ok := v.Get("t").Str(); ok {
		t.Error("a bool read as a string")
	}
	if b, ok := v.Get("upload").Get("id").Bool(); ok || b {
		t.Error("a string read as a bool")
	}
}

func TestNumbers(t *testing.T) {
	for _, c := range []struct {
		lit string
		i   int64
		iok bool
		u   uint64
		uok bool
		f   float64
		fok bool
	}{
		{"9223372036854775807", math.MaxInt64, true, math.MaxInt64, true, 9223372036854775807, true},
		{"9223372036854775808", 0, false, 1 << 63, true, 1 << 63, true},
		{"-9223372036854775808", math.MinInt64, true, 0, false, -1 << 63, true},
		{"18446744073709551616", 0, false, 0, false, 1 << 64, true},
		{"-0", 0, true, 0, false, 0, true},
		{"1e3", 0, false, 0, false, 1000, true},
		{"1.0", 0, false, 0, false, 1, true},
		{"1e400", 0, false, 0, false, 0, false},
	} {
		v, err := Parse([]byte(c.lit))
		if err != nil {
			t.Fatal(err)
		}
		i, iok := v.Int64()
		u, uok := v.Uint64()
		f, fok := v.Float64()
		if i != c.i || iok != c.iok || u != c.u || uok != c.uok || f != c.f || fok != c.fok {
			t.Errorf("%s: Int64 %d,%v Uint64 %d,%v Float64 %g,%v", c.lit, i, iok, u, uok, f, fok)
		}
		// encoding/json agrees on what fits.
		var ji int64
		var ju uint64
		var jf float64
		if (json.Unmarshal([]byte(c.lit), &ji) == nil) != c.iok || (json.Unmarshal([]byte(c.lit), &ju) == nil) != c.uok ||
			(json.Unmarshal([]byte(c.lit), &jf) == nil) != c.fok {
			t.Errorf("%s: encoding/json disagrees", c.lit)
		}
		if s, ok := v.Number(); !ok || s != c.lit {
			t.Errorf("Number() = %q, %v", s, ok)
		}
	}
}
