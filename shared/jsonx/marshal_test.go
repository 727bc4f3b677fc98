package jsonx_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/jsonx/jsonxtest"
)

// The shapes encoding/json gives meaning to, each checked against it.

type Inner struct {
	A string `json:"a"`
	B int    `json:"b,omitempty"`
}

type inner2 struct {
	C  bool `json:"c"`
	A  string
	ID string `json:"id"` // shadowed by Outer's ID
}

type Shared struct{ X, Y int }

type Outer struct {
	ID      string `json:"id"`
	Inner          // promoted fields a, b
	*inner2        // unexported embedded pointer: fields promoted, not settable when nil
	Skip    string `json:"-"`
	//lint:ignore SA5008 the member named "-" is what this field checks
	Dash     string              `json:"-,"`
	Untagged int                 //
	Ptr      *int                `json:"ptr,omitempty"`
	PtrNil   *Inner              `json:"ptrNil"`
	Str      uint64              `json:"str,string"`
	StrS     string              `json:"strS,string,omitempty"`
	StrP     *int64              `json:"strP,string,omitempty"`
	StrB     bool                `json:"strB,string"`
	F32      float32             `json:"f32"`
	F64      float64             `json:"f64"`
	Bytes    []byte              `json:"bytes"`
	Raw      jsonx.RawMessage    `json:"raw,omitempty"`
	Map      map[string]int      `json:"map,omitempty"`
	IntMap   map[int]string      `json:"intMap,omitempty"`
	Slice    []Inner             `json:"slice"`
	Arr      [2]int8             `json:"arr"`
	Any      any                 `json:"any"`
	AnyMap   map[string]any      `json:"anyMap"`
	Time     time.Time           `json:"time"`
	TimeP    *time.Time          `json:"timeP,omitempty"`
	Custom   custom              `json:"custom"`
	CustomP  *ptrCustom          `json:"customP"`
	PtrC     ptrCustom           `json:"ptrC"`
	Text     textual             `json:"text"`
	Zero     time.Time           `json:"zero,omitzero"`
	Nested   map[string][]string `json:"nested"`
	Shared   `json:"shared"`     // a tagged embedded struct is a member, not promoted
	unexp    int
}

// custom marshals with a value receiver, to spaces and HTML that Marshal compacts/escapes.
type custom struct{ N int }

func (c custom) MarshalJSON() ([]byte, error) {
	if c.N < 0 {
		return nil, errors.New("negative")
	}
	return []byte(" { \"n\" : [ " + strings.Repeat("1,", c.N) + "0 ] , \"h\":\"<&>\u2028\" } "), nil
}

func (c *custom) UnmarshalJSON(b []byte) error {
	c.N = len(b)
	return nil
}

// ptrCustom marshals with a pointer receiver: used only when the value is addressable.
type ptrCustom struct{ S string }

func (p *ptrCustom) MarshalJSON() ([]byte, error) { return []byte(`"p:` + p.S + `"`), nil }

type textual struct{ s string }

func (t textual) MarshalText() ([]byte, error) { return []byte("t<" + t.s + ">"), nil }
func (t *textual) UnmarshalText(b []byte) error {
	t.s = string(b)
	return nil
}

func full() Outer {
	n, p64 := 7, int64(-3)
	tm := time.Date(2026, 12, 5, 11, 0, 0, 123456789, time.UTC)
	return Outer{ID: "x<y>&\u2028\xff", Inner: Inner{A: "a", B: 2}, inner2: &inner2{C: true, A: "hidden", ID: "no"},
		Skip: "s", Dash: "d", Untagged: 1, Ptr: &n, Str: math.MaxUint64, StrS: "q\"<", StrP: &p64, StrB: true,
		F32: 1.1, F64: 1e21, Bytes: []byte{0, 1, 2, 250}, Raw: jsonx.RawMessage(` {"k" : [1, "<"]} `),
		Map: map[string]int{"b": 1, "a": 2, "": 3}, IntMap: map[int]string{10: "x", -1: "y", 2: "z"},
		Slice: []Inner{{A: "1"}, {}}, Arr: [2]int8{-128, 127}, Any: []any{1.5, "s", nil, map[string]any{"x": true}},
		AnyMap: map[string]any{"k": []any{}}, Time: tm, TimeP: &tm, Custom: custom{N: 2}, CustomP: &ptrCustom{S: "cp"},
		PtrC: ptrCustom{S: "v"}, Text: textual{"x"}, Nested: map[string][]string{"k": nil, "j": {}}, Shared: Shared{1, 2}, unexp: 9}
}

func TestMarshalLikeEncodingJSON(t *testing.T) {
	o := full()
	floats := []float64{0, math.Copysign(0, -1), 1e-7, 1e-6, 123456789, 1e20, 1e21, -2.5e-300, math.MaxFloat64, 5e-324}
	values := []any{nil, true, 0, -1, uint8(255), "", "é\x00\t\"\\/", []int(nil), []int{}, map[string]int(nil),
		map[string]int{}, []byte(nil), []byte{}, jsonx.RawMessage(nil), (*int)(nil),
		Outer{}, o, &o, []any{o, &o}, map[string]Outer{"o": o}, struct{ A, a int }{1, 2}, custom{},
		float32(3.4028235e38), float32(1e-7), float32(1e21), float32(0.1)}
	for _, f := range floats {
		values = append(values, f, -f)
	}
	for _, v := range values {
		jsonxtest.Marshal(t, v)
	}
	// Addressable vs not: a pointer-receiver MarshalJSON is used only through a pointer.
	jsonxtest.Marshal(t, []ptrCustom{{S: "in slice"}})
	jsonxtest.Marshal(t, map[string]ptrCustom{"k": {S: "in map"}})
	jsonxtest.Marshal(t, [1]ptrCustom{{S: "in array"}})
}

func TestMarshalErrors(t *testing.T) {
	for _, v := range []any{math.NaN(), math.Inf(-1), float32(math.Inf(1)), make(chan int), func() {},
		map[float64]int{1: 1}, Outer{Custom: custom{N: -1}},
		struct{ R jsonx.RawMessage }{jsonx.RawMessage(`{`)}, complex(1, 2)} {
		jsonxtest.Marshal(t, v)
		if _, err := jsonx.Marshal(v); err == nil {
			t.Errorf("Marshal(%#v): no error", v)
		} else if _, ok := err.(*jsonx.Error); !ok {
			t.Errorf("Marshal(%#v): error %T, want *jsonx.Error", v, err)
		}
	}
	type cycle struct{ Next *cycle }
	c := &cycle{}
	c.Next = c
	if _, err := jsonx.Marshal(c); err == nil {
		t.Error("a cycle marshalled")
	}
}

func TestUnmarshalLikeEncodingJSON(t *testing.T) {
	enc, err := jsonx.Marshal(full())
	if err != nil {
		t.Fatal(err)
	}
	inputs := []string{string(enc), `{}`, `null`, ` {"ID":"exact","id":"last wins","Id":"fold"} `,
		`{"iD":"fold only","A":"A","a":"a","UNTAGGED":3,"untagged":4}`,
		`{"c":true,"id":"x"}`, // c lives in a nil unexported embedded pointer: an error, the rest filled
		`{"str":"18446744073709551615","strP":"-5","strB":"true","strS":"\"in\""}`,
		`{"str":"05"}`, `{"str":" 5"}`, `{"str":5}`, `{"str":"x"}`, `{"str":"-1"}`, `{"str":null}`, `{"str":"null"}`,
		`{"str":""}`, `{"str":"1e2"}`, `{"strB":"nope"}`, `{"strB":"1"}`, `{"strS":"bare"}`, `{"strS":"\"a\"b\""}`,
		`{"strP":null}`, `{"strP":"null"}`, `{"str":[1]}`, `{"str":{}}`, `{"strB":"t"}`,
		`{"f32":3.5e38}`, `{"f32":1e-50}`, `{"f64":1e400}`, `{"f64":"1"}`, `{"b":1.0}`, `{"b":1e2}`, `{"b":-0}`,
		`{"b":9223372036854775808}`, `{"arr":[127,-128,1]}`, `{"arr":[128]}`, `{"arr":[1]}`,
		`{"bytes":"AAEC+g=="}`, `{"bytes":"AAEC+g="}`, `{"bytes":"!!"}`, `{"bytes":[1,2]}`, `{"bytes":null}`,
		`{"raw":{"a" : [1, 2]}}`, `{"raw":null}`, `{"raw":"s"}`,
		`{"map":{"a":1,"b":"x","c":2}}`, `{"map":{"a":1},"map":{"b":2}}`, `{"map":null}`, `{"map":[]}`,
		`{"intMap":{"1":"a","x":"b","-2":"c","99999999999999999999":"d"}}`,
		`{"slice":[{"a":"1"},{"b":2}],"slice":[{"a":"2"}]}`, `{"slice":[]}`, `{"slice":null}`, `{"slice":{}}`,
		`{"any":{"a":[1,"x",true,null,{"b":1e400}]}}`, `{"any":12}`, `{"anyMap":{"k":1},"anyMap":{"j":2}}`,
		`{"time":"2026-12-05T11:00:00.5+02:00"}`, `{"time":"yesterday"}`, `{"time":null}`, `{"timeP":null}`,
		`{"custom":[1, 2 ,3]}`, `{"custom":null}`, `{"customP":null}`, `{"text":"abc"}`, `{"text":3}`, `{"text":null}`,
		`{"ptr":5,"ptr":null}`, `{"ptrNil":{"a":"x"}}`, `{"nested":{"k":["a"],"k":[]}}`, `{"shared":{"X":1,"y":2}}`, `{"X":5}`,
		`{"a":1}`, `{"id":true}`, `{"id":1,"untagged":"s","b":"2"}`, `[]`, `"s"`, `1`, `true`,
		`{"unknown":{"deep":[1,2,{"x":null}]},"id":"k"}`, `{"id":"\ud83d\ude00\ud800"}`, `{"\u0069d":"escaped name"}`,
		`{"ıd":"dotless i does not fold to i"}`, `{"K":1}`, `{"untagged":1.5}`,
		`{`, `{"id":}`, `{"id":"x"} x`, ``, ` `, `nul`}
	for _, in := range inputs {
		jsonxtest.Unmarshal(t, (*Outer)(nil), in)
		jsonxtest.Unmarshal(t, (*any)(nil), in)
		jsonxtest.Unmarshal(t, (*map[string]jsonx.RawMessage)(nil), in)
	}
}

func TestUnmarshalInvalidTarget(t *testing.T) {
	var o Outer
	for _, target := range []any{nil, o, (*Outer)(nil)} {
		err := jsonx.Unmarshal([]byte(`{}`), target)
		if _, ok := err.(*jsonx.Error); !ok {
			t.Errorf("Unmarshal into %#v: %v", target, err)
		}
	}
	// A syntax error fills nothing, even what comes before it.
	if err := jsonx.Unmarshal([]byte(`{"id":"x",}`), &o); err == nil || o.ID != "" {
		t.Errorf("got %v, id %q", err, o.ID)
	}
}

// NumberText is json.Number's counterpart: compared with it, not with itself.
func TestNumberText(t *testing.T) {
	type jn struct {
		N json.Number  `json:"n"`
		P *json.Number `json:"p,omitempty"`
		Q json.Number  `json:"q,string"`
	}
	type xn struct {
		N jsonx.NumberText  `json:"n"`
		P *jsonx.NumberText `json:"p,omitempty"`
		Q jsonx.NumberText  `json:"q,string"`
	}
	for _, n := range []string{"", "0", "-1.5e3", "12345678901234567890123", "1.", "x", "01"} {
		w, werr := json.Marshal(jn{N: json.Number(n), Q: "1"})
		g, gerr := jsonx.Marshal(xn{N: jsonx.NumberText(n), Q: "1"})
		if (werr == nil) != (gerr == nil) || string(w) != string(g) {
			t.Errorf("Marshal %q: jsonx %s %v, encoding/json %s %v", n, g, gerr, w, werr)
		}
	}
	for _, in := range []string{`{"n":12.5e-3,"p":1}`, `{"n":"7"}`, `{"n":"x"}`, `{"n":true}`, `{"n":null,"p":null}`,
		`{"n":"-0.0"}`, `{"n":""}`, `{"q":"5"}`, `{"q":5}`, `{"q":"\"5\""}`, `{"q":"x"}`} {
		var w jn
		var g xn
		werr, gerr := json.Unmarshal([]byte(in), &w), jsonx.Unmarshal([]byte(in), &g)
		if (werr == nil) != (gerr == nil) || string(w.N) != string(g.N) || (w.P == nil) != (g.P == nil) || string(w.Q) != string(g.Q) {
			t.Errorf("Unmarshal %s: jsonx %+v %v, encoding/json %+v %v", in, g, gerr, w, werr)
		}
	}
}
