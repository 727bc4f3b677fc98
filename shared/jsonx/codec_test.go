package jsonx

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sample has one field of each kind the member writers and readers serve; its tags say what
// encoding/json does with it, and the tests hold the hand codec to that.
type sample struct {
	S    string            `json:"s"`
	OS   string            `json:"os,omitempty"`
	I    int64             `json:"i"`
	OI   int64             `json:"oi,omitempty"`
	N    int               `json:"n"`
	U    uint64            `json:"u"`
	OU   uint64            `json:"ou,omitempty"`
	B    bool              `json:"b"`
	OB   bool              `json:"ob,omitempty"`
	F    float64           `json:"f"`
	OF   float64           `json:"of,omitempty"`
	Q    uint64            `json:"q,string"`
	SS   []string          `json:"ss"`
	OSS  []string          `json:"oss,omitempty"`
	M    map[string]string `json:"m"`
	OM   map[string]string `json:"om,omitempty"`
	R    RawMessage        `json:"r"`
	OR   RawMessage        `json:"or,omitempty"`
	Sub  *sample           `json:"sub,omitempty"`
	Subs []sample          `json:"subs,omitempty"`
}

func (s *sample) EncodeJSON(w *Writer) {
	w.ObjectStart()
	w.Str("s", s.S)
	w.OptStr("os", s.OS)
	w.Int64("i", s.I)
	w.OptInt64("oi", s.OI)
	w.Int64("n", int64(s.N))
	w.Uint64("u", s.U)
	w.OptUint64("ou", s.OU)
	w.Flag("b", s.B)
	w.OptFlag("ob", s.OB)
	w.Float64("f", s.F)
	w.OptFloat64("of", s.OF)
	w.QuotedUint64("q", s.Q)
	w.Strings("ss", s.SS)
	w.OptStrings("oss", s.OSS)
	w.StrMap("m", s.M)
	w.OptStrMap("om", s.OM)
	w.RawMember("r", s.R)
	w.OptRawMember("or", s.OR)
	if s.Sub != nil {
		w.Member("sub", s.Sub)
	}
	if len(s.Subs) != 0 {
		w.Key("subs")
		w.ArrayStart()
		for i := range s.Subs {
			s.Subs[i].EncodeJSON(w)
		}
		w.ArrayEnd()
	}
	w.ObjectEnd()
}

func (s *sample) DecodeJSON(f Fields) {
	s.S, s.OS = f.Str("s"), f.Str("os")
	s.I, s.OI, s.N = f.Int64("i"), f.Int64("oi"), f.Int("n")
	s.U, s.OU = f.Uint64("u"), f.Uint64("ou")
	s.B, s.OB = f.Bool("b"), f.Bool("ob")
	s.F, s.OF = f.Float64("f"), f.Float64("of")
	s.Q = f.QuotedUint64("q")
	s.SS, s.OSS = f.Strings("ss"), f.Strings("oss")
	s.M, s.OM = f.StrMap("m"), f.StrMap("om")
	s.R, s.OR = f.Raw("r"), f.Raw("or")
	if v := f.Value("sub"); v.Exists() && !v.IsNull() {
		s.Sub = new(sample)
		f.Decode("sub", s.Sub)
	}
	for _, v := range f.Array("subs") {
		var sub sample
		sub.DecodeJSON(f.Read(v))
		s.Subs = append(s.Subs, sub)
	}
}

func TestCodecMatchesEncodingJSON(t *testing.T) {
	full := sample{S: "a<b>\u2028é", OS: "x", I: math.MinInt64, OI: -1, N: 7, U: math.MaxUint64, OU: 1, B: true, OB: true,
		F: 1e21, OF: -0.000001, Q: math.MaxUint64, SS: []string{"", "q\""}, OSS: []string{"z"},
		M: map[string]string{"b": "2", "a": "1", "": ""}, OM: map[string]string{"k": "v"},
		R: RawMessage(`{"x":[1,2.5e3,"é"]}`), OR: RawMessage(`true`)}
	sub := full
	full.Sub = &sub
	full.Subs = []sample{{}, sub}
	for name, v := range map[string]sample{
		"zero":        {},
		"full":        full,
		"empty lists": {SS: []string{}, OSS: []string{}, M: map[string]string{}, OM: map[string]string{}},
	} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(&v)
			require.NoError(t, err)
			got := Encode(&v)
			assert.Equal(t, string(want), string(got))

			var fromStd, fromHand sample
			require.NoError(t, json.Unmarshal(want, &fromStd))
			require.NoError(t, Decode(want, &fromHand))
			assert.Equal(t, fromStd, fromHand)
		})
	}
}

func TestDecodeAsEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`{}`, `null`, `{"s":null,"ss":null,"m":null,"r":null,"sub":null}`,
		`{"ss":["a",null],"m":{"a":null,"a":"2"},"q":"18446744073709551615","n":-3}`,
		`{"unknown":{"deep":[1]},"s":"x"}`,
		`{"r":  [ 1 , {"a" : "\u00e9"} ]}`,
	} {
		var fromStd, fromHand sample
		require.NoError(t, json.Unmarshal([]byte(in), &fromStd), in)
		require.NoError(t, Decode([]byte(in), &fromHand), in)
		// A RawMessage keeps the input's bytes under encoding/json and the value's compact
		// form here: the same JSON value.
		if fromStd.R != nil {
			var a, b any
			require.NoError(t, json.Unmarshal(fromStd.R, &a))
			require.NoError(t, json.Unmarshal(fromHand.R, &b))
			assert.Equal(t, a, b, in)
			fromStd.R, fromHand.R = nil, nil
		}
		assert.Equal(t, fromStd, fromHand, in)
	}
	for _, in := range []string{
		`[]`, `"s"`, `{"s":1}`, `{"i":1.5}`, `{"n":"1"}`, `{"u":-1}`, `{"b":"true"}`, `{"q":1}`, `{"q":"x"}`,
		`{"ss":"a"}`, `{"ss":[1]}`, `{"m":{"a":1}}`, `{"sub":[]}`, `{"s":"x"`, `{"i":99999999999999999999}`,
	} {
		var fromStd, fromHand sample
		assert.Error(t, json.Unmarshal([]byte(in), &fromStd), "encoding/json accepts %s", in)
		assert.Error(t, Decode([]byte(in), &fromHand), "Decode accepts %s", in)
	}
}

// FuzzCodec: for any input encoding/json reads into a sample, Decode reads the same value
// (or fails) and Encode of it writes what json.Marshal writes. Two differences are by
// design and skipped: Decode matches names exactly (encoding/json also case-insensitively)
// and takes the last of repeated names (encoding/json merges repeated objects).
func FuzzCodec(f *testing.F) {
	f.Add(`{"s":"a","ss":["b"],"m":{"c":"d"},"q":"5","sub":{"i":-2}}`)
	f.Add(`{"subs":[{},{"f":0.1}],"r":{"a":[null]}}`)
	f.Fuzz(func(t *testing.T, in string) {
		var fromStd, fromHand sample
		werr := json.Unmarshal([]byte(in), &fromStd)
		gerr := Decode([]byte(in), &fromHand)
		if root, err := Parse([]byte(in)); err == nil && loosely(root) {
			return
		}
		if werr != nil {
			require.Error(t, gerr, "Decode accepts %q, which encoding/json refuses: %v", in, werr)
			return
		}
		require.NoError(t, gerr, "Decode refuses %q, which encoding/json accepts", in)
		want, err := json.Marshal(&fromStd)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(Encode(&fromHand)), "input %q", in)
	})
}

// loosely reports whether v holds an object with a repeated name, two names equal but for
// case, or a name equal but for case to one of sample's (where encoding/json and Decode
// differ by design).
func loosely(v Value) bool {
	for _, it := range v.items {
		if loosely(it) {
			return true
		}
	}
	for i, m := range v.members {
		for _, o := range v.members[:i] {
			if strings.EqualFold(o.Key, m.Key) {
				return true
			}
		}
		if loosely(m.Value) {
			return true
		}
		for _, name := range sampleNames {
			if m.Key != name && strings.EqualFold(m.Key, name) {
				return true
			}
		}
	}
	return false
}

var sampleNames = func() (names []string) {
	t := reflect.TypeFor[sample]()
	for i := range t.NumField() {
		names = append(names, strings.Split(t.Field(i).Tag.Get("json"), ",")[0])
	}
	return names
}()
