package gokuai_test

import (
	"net/url"
	"path"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ferry-upload/ferry/shared/gokuai"
)

// FuzzUploadServer: create_file's server field never makes the client panic; what it
// accepts is an http(s) URL with a host, one server only, and reading it again gives it
// back unchanged.
func FuzzUploadServer(f *testing.F) {
	for _, s := range []string{"up.gokuai.com", "a,b", " https://h:443/x/ ", "http://", "[::1]:80/m-upload",
		"http://user@h", "h:0", "h:65536", "ftp://h", "http://h/a?b", "http://h/%zz", "h/é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := gokuai.ParseUploadServer(s)
		if err != nil {
			if gokuai.Code(err) != gokuai.CodeUnexpectedResponse {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		u, perr := url.Parse(out)
		if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			u.RawQuery != "" || u.Fragment != "" || strings.Contains(out, ",") {
			t.Fatalf("%q → %q: not one http(s) server (%v)", s, out, perr)
		}
		again, err := gokuai.ParseUploadServer(out)
		if err != nil || again != out {
			t.Fatalf("%q → %q → %q (%v)", s, out, again, err)
		}
	})
}

// FuzzCheckPath: a path the client sends is clean (path.Clean leaves it as it is),
// relative, valid UTF-8 without control characters, and survives the form encoding.
func FuzzCheckPath(f *testing.F) {
	for _, s := range []string{"a", "a/b.txt", "/a", "a/", "a//b", "./a", "a/../b", "..", "会议资料/2017-10-31.docx",
		"a\x00b", "a\\b", "\xff", " a /b "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if gokuai.CheckPath(p) != nil {
			return
		}
		if path.Clean(p) != p || strings.HasPrefix(p, "/") || p == "." || !utf8.ValidString(p) ||
			strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("%q was accepted", p)
		}
		v, err := url.ParseQuery(string(gokuai.Encode(gokuai.Params{"fullpath": p})))
		if err != nil || v.Get("fullpath") != p {
			t.Fatalf("%q does not survive the form: %q (%v)", p, v.Get("fullpath"), err)
		}
	})
}
