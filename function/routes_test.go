package function_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/smh"
	"github.com/golang-jwt/jwt/v5"
)

// After DELETE /v1/token the caller's browser tokens no longer work upstream.
func TestRevoke(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mkdir("/users/alice")
	auth := bearer(t, "alice", "uploader")
	laptop := e.do("POST", "/v1/token", auth, `{"clientId":"laptop"}`).JSON["accessToken"].(string)
	phone := e.do("POST", "/v1/token", auth, `{"clientId":"phone"}`).JSON["accessToken"].(string)
	bob := e.token("bob", "uploader")
	begin := func(tok string) error {
		_, err := e.smh().Begin(context.Background(), tok, "-", smh.BeginRequest{Path: "/users/alice/x.txt", Size: 1})
		return err
	}
	if a := e.do("DELETE", "/v1/token", auth, `{"clientId":"laptop"}`); a.Status != 204 || len(a.Body) != 0 {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	if err := begin(laptop); smh.Code(err) != smh.CodeInvalidAccessToken {
		t.Fatalf("laptop token after revoke: %v", err)
	}
	if err := begin(phone); err != nil {
		t.Fatalf("phone token revoked too: %v", err)
	}
	if a := e.do("DELETE", "/v1/token", auth, ""); a.Status != 204 {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	if err := begin(phone); smh.Code(err) != smh.CodeInvalidAccessToken {
		t.Fatalf("phone token after revoke all: %v", err)
	}
	if err := begin(bob); err != nil {
		t.Fatalf("bob's token revoked by alice: %v", err)
	}
	// The function's own cached tokens were revoked too: confirm still works (re-minted).
	tok := e.token("alice", "uploader")
	key := e.upload(tok, "-", "/users/alice/y.txt", []byte("y"), 0)
	if a := e.do("POST", "/v1/confirm", auth, confirmBody(key)); a.Status != 200 {
		t.Fatalf("confirm after revoke: %d %s", a.Status, a.Body)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withConfig(func(c *function.Config) { c.RateLimit = function.RateLimit{Requests: 2, Per: time.Minute} }))
	for i := range 2 {
		if a := e.do("POST", "/v1/token", bearer(t, "alice", "uploader"), ""); a.Status != 200 {
			t.Fatalf("request %d: %d", i, a.Status)
		}
	}
	a := e.do("POST", "/v1/token", bearer(t, "alice", "uploader"), "")
	if a.Status != 429 || a.code() != "RateLimited" || a.Header.Get("Retry-After") == "" {
		t.Fatalf("%d %s %v", a.Status, a.Body, a.Header)
	}
	if a := e.do("POST", "/v1/token", bearer(t, "bob", "uploader"), ""); a.Status != 200 {
		t.Fatalf("bob limited by alice: %d", a.Status)
	}
}

func TestUpstreamUnreachable(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close()
	e := newEnv(t, withConfig(func(c *function.Config) {
		c.APIBase, c.HTTPClient, c.UpstreamTimeout = url, nil, 2*time.Second
	}))
	a := e.do("POST", "/v1/token", bearer(t, "alice", "uploader"), "")
	if a.Status != 502 || a.code() != "UpstreamError" || strings.Contains(string(a.Body), url) {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
}

// A 5xx from SMH is retried once; a second one is answered UpstreamError.
func TestUpstream5xxRetriedOnce(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	fail := atomic.Int32{}
	e := newEnv(t, withConfig(func(c *function.Config) {
		up := c.HTTPClient
		c.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			n.Add(1)
			if fail.Add(-1) >= 0 {
				return &http.Response{StatusCode: 503, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"code":"ServiceUnavailable"}`)), Request: r}, nil
			}
			return up.Transport.RoundTrip(r)
		})}
	}))
	fail.Store(1)
	if a := e.do("POST", "/v1/token", bearer(t, "alice", "uploader"), ""); a.Status != 200 || n.Load() != 2 {
		t.Fatalf("one 503: %d %s after %d calls", a.Status, a.Body, n.Load())
	}
	n.Store(0)
	fail.Store(2)
	if a := e.do("POST", "/v1/token", bearer(t, "alice", "uploader"), ""); a.Status != 502 || a.code() != "UpstreamError" || n.Load() != 2 {
		t.Fatalf("two 503s: %d %s after %d calls", a.Status, a.Body, n.Load())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestAnonymousDevMode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withConfig(func(c *function.Config) {
		c.Auth, c.DevMode, c.AllowedOrigins = function.AuthConfig{Mode: function.AuthAnonymous}, true, []string{"*"}
	}))
	a := e.do("POST", "/v1/token", "", "", "Origin", "http://localhost:3000")
	if a.Status != 200 || a.JSON["userId"] != "dev-user" || a.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" {
		t.Fatalf("%d %s %v", a.Status, a.Body, a.Header)
	}
}

func TestCookieAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withConfig(func(c *function.Config) { c.Auth.Cookie = "__Host-app_jwt" }))
	cookie := "__Host-app_jwt=" + jwtFor(t, jwt.MapClaims{"sub": "alice", "role": "uploader"})
	if a := e.do("POST", "/v1/token", "", "", "Cookie", cookie, "Origin", appOrigin); a.Status != 200 {
		t.Fatalf("cookie with origin: %d %s", a.Status, a.Body)
	}
	// Without Origin a cookie could be a cross-site request's: refused.
	if a := e.do("POST", "/v1/token", "", "", "Cookie", cookie); a.Status != 401 {
		t.Fatalf("cookie without origin: %d %s", a.Status, a.Body)
	}
	for _, tr := range transports[2:] { // cookies travel apart in Lambda events
		send := tr.make(t, e.h)
		if a := serve(t, send, "POST", "/v1/token", "", "", "Cookie", "other=1; "+cookie, "Origin", appOrigin); a.Status != 200 {
			t.Fatalf("%s: %d %s", tr.name, a.Status, a.Body)
		}
	}
	// The cookie twice: a sibling subdomain or an injected Set-Cookie could have planted one
	// of them, and which one a parser takes first is not something to rely on.
	mallory := "__Host-app_jwt=" + jwtFor(t, jwt.MapClaims{"sub": "mallory", "role": "uploader"})
	for _, tr := range transports {
		send := tr.make(t, e.h)
		for _, c := range []string{cookie + "; " + mallory, mallory + "; " + cookie, cookie + "; " + cookie} {
			a := serve(t, send, "POST", "/v1/token", "", "", "Cookie", c, "Origin", appOrigin)
			if a.Status != 401 || a.code() != "Unauthenticated" {
				t.Fatalf("%s: the cookie twice: %d %s", tr.name, a.Status, a.Body)
			}
		}
	}
}

// {space} roles take the space from the JWT; a multi-tenant media library.
func TestSpaceFromClaim(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withConfig(func(c *function.Config) { c.LibraryID, c.LibrarySecret = "smhmedia", mediaSecret }),
		withPolicy(`{"roles":{"member":{"grants":["begin_upload"],"space":"{space}","pathPrefix":"/{sub}/","allowedTypes":["image/*"]}}}`))
	auth := "Bearer " + jwtFor(t, jwt.MapClaims{"sub": "carol", "role": "member", "space": []string{"space1", "space2"}})
	a := e.do("POST", "/v1/token", auth, `{"spaceId":"space1"}`)
	if a.Status != 200 || a.JSON["spaceId"] != "space1" {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	if lim := a.JSON["limits"].(map[string]any); lim["pathPrefix"] != "/carol/" {
		t.Fatalf("limits %v", lim)
	}
	if a := e.do("POST", "/v1/token", auth, ""); a.Status != 400 {
		t.Fatalf("ambiguous space: %d %s", a.Status, a.Body)
	}
	if a := e.do("POST", "/v1/token", auth, `{"spaceId":"space9"}`); a.Status != 403 {
		t.Fatalf("foreign space: %d %s", a.Status, a.Body)
	}
	// a media library album (one level) through /v1/directory
	if a := e.do("POST", "/v1/directory", auth, `{"spaceId":"space1","path":"/carol"}`); a.Status != 201 {
		t.Fatalf("album: %d %s", a.Status, a.Body)
	}
}

// The API Gateway adapter keeps a named stage in the URLs the answer carries.
func TestAPIGatewayStageURLs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	send := viaAPIGateway("prod")(t, e.h)
	a := serve(t, send, "POST", "/v1/token", bearer(t, "alice", "uploader"), "")
	if a.JSON["confirmUrl"] != "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/v1/confirm" {
		t.Fatalf("confirmUrl %v", a.JSON["confirmUrl"])
	}
	send = viaLambdaURL(t, e.h)
	a = serve(t, send, "POST", "/v1/token", bearer(t, "alice", "uploader"), "")
	if a.JSON["directoryUrl"] != "https://abcdefg.lambda-url.eu-west-1.on.aws/v1/directory" {
		t.Fatalf("directoryUrl %v", a.JSON["directoryUrl"])
	}
}

// The audit line of a token issuance names who got which grants, and nothing secret.
func TestAuditLog(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	e := newEnv(t, withConfig(func(c *function.Config) { c.Logger = newLogger(&buf) }))
	e.do("POST", "/v1/token", bearer(t, "alice", "uploader"), `{"clientId":"laptop"}`)
	e.do("POST", "/v1/token", "Bearer bad", "")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %s", len(lines), buf.String())
	}
	var ok, refused map[string]any
	json.Unmarshal([]byte(lines[0]), &ok)
	json.Unmarshal([]byte(lines[1]), &refused)
	for k, v := range map[string]any{"msg": "request", "userId": "alice", "role": "uploader", "space": "-", "outcome": "ok",
		"status": float64(200), "clientId": "laptop", "path": "/v1/token", "method": "POST", "period": float64(3600)} {
		if ok[k] != v {
			t.Errorf("%s = %v, want %v (%s)", k, ok[k], v, lines[0])
		}
	}
	if g, _ := ok["grants"].([]any); len(g) != 1 || g[0] != "begin_upload" || ok["requestId"] == "" {
		t.Errorf("grants/requestId: %s", lines[0])
	}
	if refused["outcome"] != "refused" || refused["code"] != "Unauthenticated" || refused["level"] != "WARN" {
		t.Errorf("refusal: %s", lines[1])
	}
	for _, f := range []string{libSecret, hsSecret, "eyJ", "accessToken", "library_secret"} {
		if strings.Contains(buf.String(), f) {
			t.Errorf("log holds %q", f)
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lockedWriter{}.Write(p) // the suite-wide capture sees these lines too
	return s.b.Write(p)
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }
