package urlx

import (
	"net/url"
	"strings"
	"testing"
)

// valuesFrom reads "k\x00v\x00k\x00v…" into both Values types (Add semantics: a repeated
// key gathers its values in order); an odd last field is a key with no value.
func valuesFrom(s string) (Values, url.Values) {
	v, u := Values{}, url.Values{}
	f := strings.Split(s, "\x00")
	for i := 0; i < len(f); i += 2 {
		if i+1 == len(f) {
			v[f[i]], u[f[i]] = []string{}, []string{}
			break
		}
		v[f[i]] = append(v[f[i]], f[i+1])
		u.Add(f[i], f[i+1])
	}
	return v, u
}

var valuesSeeds = []string{
	"",
	"b\x002\x00a\x001",
	"limit\x00100\x00marker\x00",
	"k\x00v1\x00k\x00v2\x00a b\x00c&d=e",
	"library_id\x00lib/1\x00library_secret\x00s+e c?r#t\x00user_id\x00a,b",
	"\x00empty key\x00é\x00ü",
	"solo",
	"Z\x00z\x00a\x00A\x00_\x00-\x00~\x00.",
}

func TestValuesEncode(t *testing.T) {
	for _, s := range valuesSeeds {
		v, u := valuesFrom(s)
		if got, want := v.Encode(), u.Encode(); got != want {
			t.Errorf("Encode(%q) = %q, url.Values.Encode = %q", s, got, want)
		}
	}
	if got := (Values{"b": {"2"}, "a": {"1", "x y"}}).Encode(); got != "a=1&a=x+y&b=2" {
		t.Errorf("Encode = %q", got)
	}
	if got := (Values(nil)).Encode(); got != "" {
		t.Errorf("nil Encode = %q", got)
	}
}

func TestValuesSet(t *testing.T) {
	v, u := Values{"k": {"a", "b"}}, url.Values{"k": {"a", "b"}}
	v.Set("k", "c")
	u.Set("k", "c")
	v.Set("n", "")
	u.Set("n", "")
	if v.Encode() != u.Encode() || v.Encode() != "k=c&n=" {
		t.Fatalf("after Set: %q, url.Values %q", v.Encode(), u.Encode())
	}
}

func FuzzValuesEncode(f *testing.F) {
	for _, s := range valuesSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, u := valuesFrom(s)
		if got, want := v.Encode(), u.Encode(); got != want {
			t.Fatalf("Encode(%q) = %q, url.Values.Encode = %q", s, got, want)
		}
	})
}
