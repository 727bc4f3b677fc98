package smhemu

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseRoute: whatever the method, path and query, parseRoute returns a route with a
// stats name, errors are typed *Error, and an accepted tree route names a library, a
// space and clean path levels. The seed corpus is in testdata/fuzz/FuzzParseRoute.
func FuzzParseRoute(f *testing.F) {
	f.Add("GET", "/api/v1/token", "library_id=smhdev&library_secret=devsecret&grant=upload_file")
	f.Add("POST", "/api/v1/file/smhdev/-/a/b%20c.txt", "multipart&conflict_resolution_strategy=rename")
	f.Add("DELETE", "/api/v1/file/smhdev/-/0123abcd", "upload")
	f.Add("PUT", "/cos/up/smhdev/abc", "partNumber=1&uploadId=X")
	f.Add("GET", "/cos/dl/smhdev/-/a%2Fb", "q-expires=1&q-signature=2")
	f.Add("GET", "/api/v1/directory/smhmedia/space1/", "marker=&limit=10")
	f.Fuzz(func(t *testing.T, method, path, query string) {
		rt, err := parseRoute(method, path, query)
		if rt == nil || rt.name == "" || rt.query == nil {
			t.Fatalf("route %+v", rt)
		}
		if err != nil {
			var se *Error
			if !errors.As(err, &se) || se.Status < 400 {
				t.Fatalf("untyped error %v", err)
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
