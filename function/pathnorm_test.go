package function

import "testing"

func TestCheckSegment(t *testing.T) {
	ok := []string{"a", "photo.jpg", "a b", "..a", "a..", ".hidden", "100%", "100%25", "résumé.pdf", "報告。pdf", "what?"}
	bad := []string{
		"", ".", "..", "...", " .. ", "a/b", `a\b`, "a\x00b", "a\x7fb", "\u200b..", "..\u200b", "a\u202eb",
		"%2e%2e", "%2E%2E", "%2e", "%252e%252e", "%25252e%25252e", ".%2e", "%2e.", "a%2fb", "x%2Fy", "a%5cb", "%00",
		"\u2215", "a\u2215b", "\uff0f", "\u2044", "\uff3c", "\u29f8", "\u2024\u2024", "\uff0e\uff0e", "\u2025",
		"\uff0e", "\ufe52\ufe52", "\u2026", "a\u0338", "％２ｅ", "\xff", "\t", " ",
		"a\u2024b", // NFKC "a.b": refused since names are judged by their NFKC form (nfkc_test.go)
	}
	for _, s := range ok {
		if why := checkSegment(s); why != "" {
			t.Errorf("checkSegment(%q) = %q, want ok", s, why)
		}
	}
	for _, s := range bad {
		if checkSegment(s) == "" {
			t.Errorf("checkSegment(%q) accepted", s)
		}
	}
}

func TestSplitPath(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
		bad  bool
	}{
		{"/", nil, false},
		{"", nil, false},
		{"/users/alice/", []string{"users", "alice"}, false},
		{"users/alice", []string{"users", "alice"}, false},
		{"/users//alice", nil, true},
		{"/users/alice/../bob", nil, true},
		{"/users/alice/%2e%2e/bob", nil, true},
		{`/users/alice\..\bob`, nil, true},
		{"/users/alice\u2215..\u2215bob", nil, true},
	} {
		got, why := splitPath(c.in)
		if (why != "") != c.bad {
			t.Errorf("splitPath(%q): why=%q, want bad=%v", c.in, why, c.bad)
			continue
		}
		if !c.bad && joinPath(got) != joinPath(c.want) {
			t.Errorf("splitPath(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestUnderPrefix(t *testing.T) {
	p := []string{"users", "alice"}
	cases := []struct {
		segs           []string
		strict, inside bool
	}{
		{[]string{"users", "alice", "a.txt"}, true, true},
		{[]string{"users", "alice"}, true, false},
		{[]string{"users", "alice"}, false, true},
		{[]string{"users", "alicex", "a"}, true, false},
		{[]string{"users"}, false, false},
		{[]string{"users", "bob", "a"}, true, false},
	}
	for _, c := range cases {
		if got := underPrefix(c.segs, p, c.strict); got != c.inside {
			t.Errorf("underPrefix(%q, strict=%v) = %v", c.segs, c.strict, got)
		}
	}
	if !underPrefix([]string{"x"}, nil, true) || underPrefix(nil, nil, true) {
		t.Error("root prefix")
	}
}
