package smhemu

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// FuzzParseRoute: whatever the method, path and query, parseRoute returns a route with a
// stats name, errors are typed *Error, an accepted tree route names a library, a space
// and clean path levels, and a "/" in a tree path means what "%2F" means there. The seed
// corpus is in testdata/fuzz/FuzzParseRoute.
func FuzzParseRoute(f *testing.F) {
	f.Add("GET", "/api/v1/token", "library_id=smhdev&library_secret=devsecret&grant=upload_file")
	f.Add("POST", "/api/v1/file/smhdev/-/a/b%20c.txt", "multipart&conflict_resolution_strategy=rename")
	f.Add("DELETE", "/api/v1/file/smhdev/-/0123abcd", "upload")
	f.Add("PUT", "/cos/up/smhdev/abc", "partNumber=1&uploadId=X")
	f.Add("GET", "/cos/dl/smhdev/-/a%2Fb", "q-expires=1&q-signature=2")
	f.Add("GET", "/api/v1/directory/smhmedia/space1/", "marker=&limit=10")
	f.Add("PUT", "/api/v1/file/smhdev/-/a%2Fb%2Fc.txt", "")
	f.Add("GET", "/api/v1/directory/smhdev/-/a/b/", "stats=1")
	f.Fuzz(func(t *testing.T, method, path, query string) {
		rt, err := parseRoute(method, path, query)
		if rt == nil || rt.name == "" || rt.query == nil {
			t.Fatalf("route %+v", rt)
		}
		if alt, ok := slashesEncoded(path); ok {
			rt2, err2 := parseRoute(method, alt, query)
			if rt2.op != rt.op || rt2.name != rt.name || !slices.Equal(rt2.path, rt.path) || (err == nil) != (err2 == nil) {
				t.Fatalf("%q and %q differ: %+v %v / %+v %v", path, alt, rt, err, rt2, err2)
			}
		}
		if err != nil {
			var se *Error
			if !errors.As(err, &se) || se.Status < 400 {
				t.Fatalf("untyped error %v", err)
			}
			if se.Status == 501 && rt.op != opUnmatched {
				t.Fatalf("501 for a served operation: %+v", rt)
			}
			return
		}
		switch rt.op {
		case opDirCreate, opDirList, opDirInfo, opDirHead, opDirDelete, opBeginSimple, opBeginMultipart,
			opFileInfo, opFileDownload, opFileHead, opFileDelete:
			if rt.lib == "" || rt.space == "" {
				t.Fatalf("tree route without library or space: %+v", rt)
			}
			for _, level := range rt.path {
				if level == "" || level == "." || level == ".." || strings.Contains(level, "/") {
					t.Fatalf("bad path level %q in %+v", level, rt)
				}
			}
			if rt.op >= opBeginSimple && len(rt.path) == 0 {
				t.Fatalf("file route without a path: %+v", rt)
			}
		case opUnmatched:
			t.Fatalf("unmatched route without an error: %+v", rt)
		}
		if again, _ := parseRoute(method, path, query); again.op != rt.op || again.name != rt.name {
			t.Fatal("parseRoute is not deterministic")
		}
	})
}

// slashesEncoded writes every "/" of a tree route's path (after library and space) as %2F.
func slashesEncoded(path string) (string, bool) {
	for _, base := range []string{"/api/v1/file/", "/api/v1/directory/"} {
		if rest, ok := strings.CutPrefix(path, base); ok {
			parts := strings.SplitN(rest, "/", 3)
			if len(parts) == 3 && strings.Contains(parts[2], "/") {
				return base + parts[0] + "/" + parts[1] + "/" + strings.ReplaceAll(parts[2], "/", "%2F"), true
			}
		}
	}
	return "", false
}

// FuzzParsePeriod: any period parameter gives a period within the documented bounds.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"", "0", "299", "86400", "-1", "1e9", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if p := parsePeriod(s); p < MinPeriod || p > MaxPeriod {
			t.Fatalf("period %q → %d", s, p)
		}
	})
}
