package urlx

import (
	"net/url"
	"testing"
)

// escapeSamples: every byte alone, and strings with several kinds of byte at once (the
// escaping and the no-escaping paths, runs of spaces, invalid UTF-8).
func escapeSamples() []string {
	s := []string{"", "a/b c", "x y z", "   ", "Ω/ü", "\xff\xfe", "$&+,/:;=?@", "!'()*", "-_.~",
		"100%", "%41", "a+b", "k=v&k2=v2", "\x00\x7f", "日本語 テキスト/path?x#y"}
	for c := 0; c < 256; c++ {
		s = append(s, string([]byte{byte(c)}), "a"+string([]byte{byte(c)})+"z")
	}
	return s
}

func TestPathEscape(t *testing.T) {
	for _, s := range escapeSamples() {
		if got, want := PathEscape(s), url.PathEscape(s); got != want {
			t.Errorf("PathEscape(%q) = %q, url.PathEscape = %q", s, got, want)
		}
	}
	if got := PathEscape("a b/c;d,e?f$&+:=@"); got != "a%20b%2Fc%3Bd%2Ce%3Ff$&+:=@" {
		t.Errorf("PathEscape = %q", got)
	}
}

func TestQueryEscape(t *testing.T) {
	for _, s := range escapeSamples() {
		if got, want := QueryEscape(s), url.QueryEscape(s); got != want {
			t.Errorf("QueryEscape(%q) = %q, url.QueryEscape = %q", s, got, want)
		}
	}
	if got := QueryEscape("a b+c/é"); got != "a+b%2Bc%2F%C3%A9" {
		t.Errorf("QueryEscape = %q", got)
	}
}

func FuzzPathEscape(f *testing.F) {
	for _, s := range escapeSamples()[:15] {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := PathEscape(s), url.PathEscape(s); got != want {
			t.Fatalf("PathEscape(%q) = %q, url.PathEscape = %q", s, got, want)
		}
	})
}

func FuzzQueryEscape(f *testing.F) {
	for _, s := range escapeSamples()[:15] {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := QueryEscape(s), url.QueryEscape(s); got != want {
			t.Fatalf("QueryEscape(%q) = %q, url.QueryEscape = %q", s, got, want)
		}
	})
}
