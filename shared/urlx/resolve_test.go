package urlx

import (
	"math/rand/v2"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// netURLResolve is what Resolve must match: ok false when net/url refuses either input.
func netURLResolve(base, ref string) (string, bool) {
	b, err := url.Parse(base)
	if err != nil {
		return "", false
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", false
	}
	return b.ResolveReference(r).String(), true
}

// checkResolve fails when Resolve accepts what net/url refuses or answers differently.
func checkResolve(t *testing.T, base, ref string) (string, error) {
	t.Helper()
	got, err := Resolve(base, ref)
	if err != nil {
		return "", err
	}
	want, ok := netURLResolve(base, ref)
	if !ok {
		t.Fatalf("Resolve(%q, %q) = %q, but net/url refuses the input", base, ref, got)
	}
	if got != want {
		t.Fatalf("Resolve(%q, %q) = %q, net/url says %q", base, ref, got, want)
	}
	return got, nil
}

// TestResolveRFC3986: RFC 3986 §5.4's examples (base http://a/b/c/d;p?q) that are within
// what Resolve takes, with the RFC's answers, and net/url's.
func TestResolveRFC3986(t *testing.T) {
	const base = "http://a/b/c/d;p?q"
	for ref, want := range map[string]string{
		"g": "http://a/b/c/g", "./g": "http://a/b/c/g", "g/": "http://a/b/c/g/",
		"/g": "http://a/g", "//g": "http://g", "?y": "http://a/b/c/d;p?y",
		"g?y": "http://a/b/c/g?y", ";x": "http://a/b/c/;x", "g;x": "http://a/b/c/g;x",
		".": "http://a/b/c/", "./": "http://a/b/c/", "..": "http://a/b/", "../": "http://a/b/",
		"../g": "http://a/b/g", "../..": "http://a/", "../../": "http://a/", "../../g": "http://a/g",
		// §5.4.2, abnormal examples
		"../../../g": "http://a/g", "../../../../g": "http://a/g", "/./g": "http://a/g",
		"/../g": "http://a/g", "g.": "http://a/b/c/g.", ".g": "http://a/b/c/.g",
		"g..": "http://a/b/c/g..", "..g": "http://a/b/c/..g", "./../g": "http://a/b/g",
		"./g/.": "http://a/b/c/g/", "g/./h": "http://a/b/c/g/h", "g/../h": "http://a/b/c/h",
		"g;x=1/./y": "http://a/b/c/g;x=1/y", "g;x=1/../y": "http://a/b/c/y",
		"g?y/./x": "http://a/b/c/g?y/./x", "g?y/../x": "http://a/b/c/g?y/../x",
	} {
		got, err := checkResolve(t, base, ref)
		if err != nil || got != want {
			t.Errorf("Resolve(%q) = %q, %v; RFC 3986 says %q", ref, got, err, want)
		}
	}
}

// TestResolveEngine: the answers the token function gives, against token URLs as pages
// make them.
func TestResolveEngine(t *testing.T) {
	for _, c := range []struct{ base, ref, want string }{
		{"http://127.0.0.1:8787/v1/token", "/v1/uploads", "http://127.0.0.1:8787/v1/uploads"},
		{"http://127.0.0.1:8787/api/v1/token", "uploads", "http://127.0.0.1:8787/api/v1/uploads"},
		{"https://fn.example.com/v1/token", "https://up.example.com/v1/uploads", "https://up.example.com/v1/uploads"},
		{"https://fn.example.com/v1/token", "//cdn.example.com:8443/x/../v1/confirm", "https://cdn.example.com:8443/v1/confirm"},
		{"https://fn.example.com/v1/token?tenant=a#top", "../v2/directory?x=%2F&y=a b", "https://fn.example.com/v2/directory?x=%2F&y=a b"},
		{"HTTPS://Fn.Example.com", "v1/uploads", "https://Fn.Example.com/v1/uploads"},
		{"http://[::1]:8080/v1/token", "/v1/uploads", "http://[::1]:8080/v1/uploads"},
		{"http://[2001:db8::ffff:1.2.3.4]/t", "u", "http://[2001:db8::ffff:1.2.3.4]/u"},
		{"https://fn.test/a%20b/token", "c%2Fd/@x:y[1]", "https://fn.test/a%20b/c%2Fd/@x:y[1]"},
		{"https://fn.test/v1/token", "HTTP://other.test", "http://other.test"},
		{"https://fn.test/v1/token", "?", "https://fn.test/v1/token?"},
	} {
		got, err := checkResolve(t, c.base, c.ref)
		if err != nil || got != c.want {
			t.Errorf("Resolve(%q, %q) = %q, %v; want %q", c.base, c.ref, got, err, c.want)
		}
	}
}

// TestResolveRefuses: inputs Resolve refuses on purpose; net/url takes the first group
// (rewriting them, or for schemes the engine never fetches) and refuses the second.
func TestResolveRefuses(t *testing.T) {
	const base = "https://fn.test/v1/token"
	netURLTakes := []struct{ base, ref string }{
		{base, "mailto:x@y"},                 // other scheme
		{base, "javascript:alert(1)"},        // other scheme
		{base, "data:,x"},                    // other scheme
		{base, "http:relative"},              // http(s) without //host (opaque)
		{base, "http:/abs"},                  // http(s) without //host
		{base, "#frag"},                      // fragment in ref
		{base, "/v1/uploads#x"},              // fragment in ref
		{base, ""},                           // empty ref
		{base, "///x"},                       // /// is a path to net/url
		{base, "//user:pw@host/x"},           // userinfo
		{base, "//h:1:2/"},                   // two ports: net/url takes them when there is no scheme
		{base, "//a,b/x"},                    // host byte outside [A-Za-z0-9.-_~]
		{base, "/a b"},                       // net/url re-escapes the space
		{base, "/a|b"},                       // and '|'
		{base, "/é"},                         // and non-ASCII
		{base, "/a\"b"},                      // and '"'
		{base, "/a\\b"},                      // and '\'
		{"/v1/token", "/x"},                  // relative base
		{"ftp://fn.test/t", "/x"},            // base with another scheme
		{"https://u@fn.test/t", "/x"},        // base with userinfo
		{"https://fn.test/a b", "/x"},        // base path net/url re-escapes
		{"https://[fe80::1%25eth0]/t", "/x"}, // IPv6 zone
		{"https://fn.test/t#\x01", "/x"},     // control byte in the fragment (net/url keeps it)
	}
	for _, c := range netURLTakes {
		if _, ok := netURLResolve(c.base, c.ref); !ok {
			t.Errorf("net/url refuses (%q, %q): move it to the other list", c.base, c.ref)
		}
		if got, err := Resolve(c.base, c.ref); err == nil {
			t.Errorf("Resolve(%q, %q) = %q, want a refusal", c.base, c.ref, got)
		}
	}
	netURLRefuses := []struct{ base, ref string }{
		{base, ":x"}, {base, "a_b:c"}, {base, "//ho%41st/x"}, {base, "1a:b"}, {base, "/a%zz"}, {base, "/a%4"},
		{base, "/x\n"}, {base, "//h:x/"}, {base, "https://h:1:2/"}, {base, "//[1.2.3.4]/"},
		{base, "//[::1/"}, {base, "//a[b]/"}, {"https://fn.test/t#%zz", "/x"},
		{"https://fn.test/t\x7f", "/x"}, {"https://[::1]x/", "/x"},
	}
	for _, c := range netURLRefuses {
		if got, ok := netURLResolve(c.base, c.ref); ok {
			t.Errorf("net/url takes (%q, %q) = %q: move it to the other list", c.base, c.ref, got)
		}
		if got, err := Resolve(c.base, c.ref); err == nil {
			t.Errorf("Resolve(%q, %q) = %q, want a refusal", c.base, c.ref, got)
		}
	}
}

// TestResolveGrammar: every combination of the pieces the documented grammar allows is
// taken, and answered as net/url answers.
func TestResolveGrammar(t *testing.T) {
	bases := []string{"http://h", "https://fn.example.com:8443", "HTTP://H.test:", "http://[::1]",
		"https://[2001:DB8::1]:1"}
	paths := []string{"", "/", "/a", "/a/b/", "/a/./b/../c", "//x/y", "/a%2F%2e/b;p=1/@:!$&'()*+,=~_-.[]", "/..", "/a/.."}
	queries := []string{"", "?", "?q", "?a=1&b=%2F&c=d e?#"[:15], "??x"}
	refs := []string{"g", "./g", "../g", "../../../..", ".", "..", "g/", "/g", "/./g/.", "//o.test",
		"//o.test:1/p/../q", "https://o.test/x/./y", "?y", "g?y", "g;x=1/../y", "%2e%2E/x", "a/b:c",
		"~u/x", "*", "", "/"}
	n := 0
	for _, b := range bases {
		for _, p := range paths {
			for _, q := range queries {
				for _, r := range refs {
					for _, rq := range queries {
						ref := r + rq
						if ref == "" {
							continue
						}
						if _, err := checkResolve(t, b+p+q, ref); err != nil {
							t.Errorf("Resolve(%q, %q) refused: %v", b+p+q, ref, err)
						}
						n++
					}
				}
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d combinations", n)
	}
}

func FuzzResolve(f *testing.F) {
	for _, c := range [][2]string{
		{"http://a/b/c/d;p?q", "../g?y"}, {"http://127.0.0.1:8787/v1/token", "/v1/uploads"},
		{"https://fn.example.com/v1/token#x", "//cdn.test/a/./b"}, {"http://[::ffff:1.2.3.4]:80/", "x"},
		{"https://h/a%2Fb/", "c/../../d"}, {"HTTP://H/", "HTTPS://o/?"}, {"https://h", "?q#f"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, base, ref string) {
		checkResolve(t, base, ref)
	})
}

// TestValidIPv6 compares validIPv6 with netip.ParseAddr (an IPv6 address without a zone)
// on hand-picked strings and on random strings over the characters that matter.
func TestValidIPv6(t *testing.T) {
	netip6 := func(s string) bool {
		a, err := netip.ParseAddr(s)
		return err == nil && a.Is6() && a.Zone() == ""
	}
	samples := []string{"", "::", ":", ":::", "::1", "1::", "1::2", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::",
		"::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "12345::", "ffff::FFFF",
		"::1.2.3.4", "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4",
		"::01.2.3.4", "::1.2.3", "::1.2.3.4.5", "::256.1.1.1", "::1..2.3", "1.2.3.4", "::1.2.3.4:1",
		"1::2::3", "1:2", "g::", "::a.1.2.3", ":1::", "1:", "::0.0.0.0", "0:0:0:0:0:0:0.0.0.0", "::1%eth0"}
	for _, s := range samples {
		if got, want := validIPv6(s), netip6(s); got != want {
			t.Errorf("validIPv6(%q) = %v, netip says %v", s, got, want)
		}
	}
	const alphabet = "0123456789abcdefABCDEF::::....g%"
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for i := 0; i < 300000; i++ {
		b.Reset()
		for n := r.IntN(24); n > 0; n-- {
			if r.IntN(3) == 0 {
				b.WriteByte("0123456789"[r.IntN(10)])
			} else {
				b.WriteByte(alphabet[r.IntN(len(alphabet))])
			}
		}
		if s := b.String(); validIPv6(s) != netip6(s) {
			t.Fatalf("validIPv6(%q) = %v, netip says %v", s, validIPv6(s), netip6(s))
		}
	}
}
