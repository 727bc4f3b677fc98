package msgf

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

type state string

func (s state) String() string { return "state " + string(s) }

func TestSprintfLikeFmt(t *testing.T) {
	for _, c := range []struct {
		format string
		args   []any
	}{
		{"plain", nil},
		{"%q is being uploaded in another tab", []any{"a \"b\".txt"}},
		{"the file is %d bytes; at most %d are allowed", []any{int64(5 << 30), 1024}},
		{"a %s task cannot be paused", []any{state("done")}},
		{"%s: %v", []any{"op", errors.New("boom")}},
		{"files of this type are not allowed (allowed: %s)", []any{".jpg, .png"}},
		{"list %s %q %v", []any{[]string{"a", "b"}, []string{"x y"}, []string{}}},
		{"100%% done, %v", []any{true}},
		{"%d %d %d %d %d %d %d %d %d %d", []any{int8(-1), int16(2), int32(-3), int64(4), uint(5), uint8(6), uint16(7), uint32(8), uint64(9), -10}},
		{"%z", []any{5}},
		{"%d", []any{"five"}},
		{"%s", []any{5}},
		{"%d and %d", []any{1}},
		{"%s", []any{"a", 2, "c"}},
		{"%s", []any{nil}},
		{"tail %", nil},
		{"%q", []any{"\x00\u00e9\U0001F600"}},
	} {
		assert.Equal(t, fmt.Sprintf(c.format, c.args...), Sprintf(c.format, c.args...), "format %q", c.format)
	}
}

// FuzzSprintf: for formats made of text and the verbs msgf supports, and operands of the
// types it knows, the output equals fmt's.
func FuzzSprintf(f *testing.F) {
	f.Add("%q is not the file: %d bytes, %s", "a.txt", int64(42), "x")
	f.Add("%%%d%", "", int64(-1), "%s")
	f.Fuzz(func(t *testing.T, format, s string, n int64, s2 string) {
		for i := 0; i < len(format); i++ {
			if format[i] == '%' && i+1 < len(format) && !strings.ContainsRune("sqdv%z", rune(format[i+1])) {
				return // flags and widths are outside the contract
			}
		}
		args := []any{s, n, s2, errors.New(s2), uint8(n)}
		for k := 0; k <= len(args); k++ {
			got, want := Sprintf(format, args[:k]...), fmt.Sprintf(format, args[:k]...)
			if got != want && !strings.Contains(want, "%!") {
				t.Fatalf("Sprintf(%q, %v) = %q, fmt says %q", format, args[:k], got, want)
			}
		}
	})
}
