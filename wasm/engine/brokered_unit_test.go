package engine

import (
	"errors"
	"testing"

	"github.com/ferry-upload/ferry/shared/smh"
)

// TestBrokeredClassify sorts the function's answers (§3, §5.2) and the data plane's.
func TestBrokeredClassify(t *testing.T) {
	d := &BrokeredDriver{}
	for _, c := range []struct {
		err  error
		want Fault
	}{
		{&smh.NetworkError{Op: "x", Err: errors.New("reset")}, FaultRetry},
		{&smh.Error{Status: 429, Code: "RateLimited"}, FaultRetry},
		{&smh.Error{Status: 502, Code: "UpstreamError"}, FaultRetry},
		{&smh.Error{Status: 500, Code: "Internal"}, FaultRetry},
		{&smh.Error{Status: 401, Code: "Unauthenticated"}, FaultRefreshToken},
		{&smh.Error{Status: 403, Code: "Forbidden"}, FaultRefreshToken}, // a begin: the role may have changed
		{&smh.Error{Status: 403, Code: "AccessDenied", Message: "Request has expired"}, FaultRenew},
		{&smh.Error{Status: 403, Code: "PolicyViolation"}, FaultFatal},
		{&smh.Error{Status: 400, Code: "InvalidRequest"}, FaultFatal},
		{&smh.Error{Status: 409, Code: "HashNeeded"}, FaultFatal},
	} {
		if got := d.Classify(c.err); got != c.want {
			t.Errorf("%v: %v, want %v", c.err, got, c.want)
		}
	}
}

func TestRelativePath(t *testing.T) {
	for _, c := range []struct{ prefix, full, want string }{
		{"/users/u/", "/users/u/a/b.bin", "/a/b.bin"},
		{"/users/u", "/users/u/b.bin", "/b.bin"},
		{"/", "/a.bin", "/a.bin"},
		{"", "/a.bin", "/a.bin"},
		{"/users/u/", "/users/uv/b.bin", ""},
		{"/users/u/", "/other/b.bin", ""},
	} {
		got, err := relativePath(c.prefix, c.full)
		if got != c.want || (c.want == "") != (Code(err) == CodePolicyViolation) {
			t.Errorf("relativePath(%q, %q) = %q, %v; want %q", c.prefix, c.full, got, err, c.want)
		}
	}
}
