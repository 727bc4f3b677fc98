package gokuaiemu_test

import (
	"math/big"
	"regexp"
	"testing"

	"github.com/ferry-upload/ferry/shared/gokuaiemu"
)

var rangeSyntax = regexp.MustCompile(`^([0-9]+)-([0-9]+)$`)

// FuzzUploadRange: x-gk-upload-range is taken exactly when it is two decimal numbers
// joined by '-', each below 2^63, start <= end, and read as those numbers.
func FuzzUploadRange(f *testing.F) {
	for _, s := range []string{"0-0", "0-999", "1000-1999", "5-4", "-1", "1-", "0x1-2", "+1-2", " 1-2",
		"1-2-3", "9223372036854775807-9223372036854775807", "9223372036854775808-9223372036854775808", "007-9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, end, ok := gokuaiemu.ParseRange(s)
		m := rangeSyntax.FindStringSubmatch(s)
		want := m != nil
		var a, b big.Int
		if want {
			a.SetString(m[1], 10)
			b.SetString(m[2], 10)
			want = a.IsInt64() && b.IsInt64() && a.Cmp(&b) <= 0
		}
		if ok != want {
			t.Fatalf("%q: ParseRange says %v, the syntax %v", s, ok, want)
		}
		if ok && (start != a.Int64() || end != b.Int64()) {
			t.Fatalf("%q: read as %d-%d", s, start, end)
		}
	})
}
