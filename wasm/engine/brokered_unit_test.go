package engine

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/ferry-upload/ferry/shared/smh"
)

// TestBrokeredClassify sorts the function's answers (§3, §5.2: *ServerError) and the data
// planes' (COS/OSS: *smh.Error; Gokuai's upload server: *ServerError).
func TestBrokeredClassify(t *testing.T) {
	d := &BrokeredDriver{}
	for _, c := range []struct {
		err  error
		want Fault
	}{
		{&smh.NetworkError{Op: "x", Err: errors.New("reset")}, FaultRetry},
		{&ServerError{Status: 429, Code: "RateLimited"}, FaultRetry},
		{&ServerError{Status: 502, Code: "UpstreamError", ProviderCode: "ServiceUnavailable"}, FaultRetry},
		{&ServerError{Status: 500, Code: "Internal"}, FaultRetry},
		{&ServerError{Status: 401, Code: "Unauthenticated"}, FaultRefreshToken},
		{&ServerError{Status: 403, Code: "Forbidden"}, FaultRefreshToken}, // a begin: the role may have changed
		{&ServerError{Status: 403, Code: "PolicyViolation"}, FaultFatal},
		{&ServerError{Status: 400, Code: "InvalidRequest"}, FaultFatal},
		{&ServerError{Status: 400, Code: "ChecksumMismatch", ProviderCode: "BadCrc64"}, FaultFatal},
		{&ServerError{Status: 409, Code: "HashNeeded"}, FaultFatal},
		{&smh.Error{Status: 403, Code: "AccessDenied", Message: "Request has expired"}, FaultRenew},
		{&smh.Error{Status: 503, Code: "SlowDown"}, FaultRetry},
		{&ServerError{Status: 400, Code: "ChecksumMismatch", ProviderCode: "40002", Retry: true}, FaultRetry}, // a part's CRC-32
	} {
		if got := d.Classify(c.err); got != c.want {
			t.Errorf("%v: %v, want %v", c.err, got, c.want)
		}
	}
}

// TestFunctionError reads the function's error answers: the neutral code, the provider's
// beside it, the request id, Retry-After; an answer that is not the function's JSON is
// coded by its status.
func TestFunctionError(t *testing.T) {
	for _, c := range []struct {
		resp *smh.Response
		want *ServerError
	}{
		{&smh.Response{StatusCode: 200}, nil},
		{&smh.Response{StatusCode: 400, Body: []byte(`{"code":"ChecksumMismatch","message":"m","requestId":"r1","providerCode":"BadCrc64"}`)},
			&ServerError{Code: "ChecksumMismatch", ProviderCode: "BadCrc64", Status: 400, Message: "m", RequestID: "r1"}},
		{&smh.Response{StatusCode: 429, Header: map[string]string{"retry-after": "7", "x-request-id": "h"}, Body: []byte(`{"code":"RateLimited"}`)},
			&ServerError{Code: "RateLimited", Status: 429, RequestID: "h", RetryAfter: 7 * time.Second}},
		{&smh.Response{StatusCode: 502, Body: []byte(`<html>Bad gateway</html>`)},
			&ServerError{Code: "HTTP502", Status: 502, Message: "the token function answered HTTP 502"}},
	} {
		assert.Equal(t, c.want, functionError(c.resp))
	}
	e := AsError(functionError(&smh.Response{StatusCode: 409, Body: []byte(`{"code":"AlreadyExists","message":"m","providerCode":"FileExists"}`)}))
	assert.Equal(t, "AlreadyExists", e.Code)
	assert.Equal(t, "FileExists", e.ProviderCode, "the provider's code rides beside the neutral one")
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
