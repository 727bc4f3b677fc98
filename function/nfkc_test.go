package function

import "testing"

// Unicode NFKC (compatibility) mappings: what a name turns into under NFKC decides whether
// it is refused, not a list of look-alikes. Identifiers (the JWT sub, the policy's prefix)
// must not change at all; name segments must not change into ASCII letters, digits or path
// punctuation (everyday CJK punctuation and spaces, whose NFKC forms cannot change what a
// path means, stay allowed).
func TestNFKC(t *testing.T) {
	segments := []struct {
		in string
		ok bool
	}{
		{"\ufe30", false},     // PRESENTATION FORM FOR VERTICAL TWO DOT LEADER → ".."
		{"a\ufe30b", false},   // ... inside a name
		{"\u2100", false},     // ACCOUNT OF → "a/c"
		{"x\u2100y", false},   // ... inside a name
		{"\u2101", false},     // ADDRESSED TO THE SUBJECT → "a/s"
		{"\uff41dmin", false}, // fullwidth "a": collides with "admin"
		{"\uff41\uff44\uff4d\uff49\uff4e", false},
		{"\ufb01le.txt", false},          // LATIN SMALL LIGATURE FI
		{"a\u2024b", false},              // ONE DOT LEADER → "."
		{"\u2474", false},                // PARENTHESIZED DIGIT ONE → "(1)"
		{"x\u00b2", false},               // SUPERSCRIPT TWO → "2"
		{"\u33c2.jpg", false},            // SQUARE AM → "a.m."
		{"\ufe6a2e\ufe6a2e", false},      // small percent signs → "%2e%2e"
		{"报告（终稿）.docx", true},            // fullwidth parentheses: everyday in Chinese names
		{"会议纪要：第三次.pdf", true},           // fullwidth colon (Windows refuses ':')
		{"日本語\u3000ファイル.txt", true},      // ideographic space
		{"résumé.pdf", true},             // precomposed
		{"re\u0301sume\u0301.pdf", true}, // decomposed (macOS names): canonical, not compatibility
		{"報告。pdf", true},
	}
	for _, c := range segments {
		if why := checkSegment(c.in); (why == "") != c.ok {
			t.Errorf("checkSegment(%q) = %q, want ok=%v", c.in, why, c.ok)
		}
	}
	subjects := []struct {
		in string
		ok bool
	}{
		{"alice", true},
		{"alice@example.com", true},
		{"用户42", true},
		{"\uff41lice", false},
		{"alice\u3000", false}, // NFKC turns it into a space
		{"ali\ufb01", false},
		{"re\u0301sume\u0301", false}, // not NFKC-stable: identifiers are compared byte for byte
		{"a\u2100", false},
		{"\ufe30", false},
	}
	p := DefaultPolicy()
	for _, c := range subjects {
		_, err := p.resolve(&Identity{Subject: c.in, Roles: []string{DefaultRoleName}}, "")
		if (err == nil) != c.ok {
			t.Errorf("sub %q: err = %v, want ok=%v", c.in, err, c.ok)
		}
	}
	for _, prefix := range []string{"/\uff55sers/{sub}/", "/users\u2100/{sub}/", "/\ufe30/{sub}/"} {
		if _, err := prefixTemplate(prefix); err == nil {
			t.Errorf("pathPrefix %q accepted", prefix)
		}
	}
}
