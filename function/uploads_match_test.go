package function

import (
	"regexp"
	"testing"

	smhprovider "github.com/ferry-upload/ferry/function/smh"
)

// The written-out checks of uploads_request.go against the regexps they stand for.
var matchers = []struct {
	name string
	re   *regexp.Regexp
	fn   func(string) bool
}{
	{"mime", regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,63}/[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,63}$`), isMIMEType},
	{"metaKey", regexp.MustCompile(`^[a-z0-9_-]{1,64}$`), isMetaKey},
	{"hexHash", regexp.MustCompile(`^[0-9a-f]{64}$`), smhprovider.IsSHA256Hex},
}

func TestMatchers(t *testing.T) {
	long := func(c string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = c[0]
		}
		return string(b)
	}
	inputs := []string{"", "a", "a/b", "image/png", "application/vnd.ms-excel", "text/plain\n", "a/b/c", "/b", "a/",
		"-a/b", "a/-b", "A+B/c!d", "a b/c", "é/b", long("a", 64) + "/" + long("b", 64), long("a", 65) + "/b",
		"key", "my_key-1", "Key", long("k", 64), long("k", 65), "k\n", long("0", 64), long("f", 64), long("F", 64),
		long("0", 63), long("0", 65), long("0", 63) + "g"}
	for _, in := range inputs {
		for _, m := range matchers {
			if got, want := m.fn(in), m.re.MatchString(in); got != want {
				t.Errorf("%s(%q) = %v; the regexp says %v", m.name, in, got, want)
			}
		}
	}
}

func FuzzMatchers(f *testing.F) {
	for _, s := range []string{"image/png", "my_key", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "a/b\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range matchers {
			if got, want := m.fn(s), m.re.MatchString(s); got != want {
				t.Fatalf("%s(%q) = %v; the regexp says %v", m.name, s, got, want)
			}
		}
	})
}
