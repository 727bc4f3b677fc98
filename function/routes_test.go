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

	"github.com/golang-jwt/jwt/v5"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/smh"
)

// After DELETE /v1/token the caller's browser tokens no longer work upstream.
func TestRevoke(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDirect())
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

// An unreachable SMH is answered UpstreamError, naming no URL: for a direct role on the
// token route (which mints the SMH token); for a brokered role, whose token answer needs no
// upstream, on the begin.
func TestUpstreamUnreachable(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close()
	unreachable := withConfig(func(c *function.Config) {
		c.APIBase, c.HTTPClient, c.UpstreamTimeout = url, nil, 2*time.Second
	})
	refused := func(t *testing.T, what string, a *answer) {
		t.Helper()
		if a.Status != 502 || a.code() != "UpstreamError" || strings.Contains(string(a.Body), url) {
			t.Fatalf("%s: %d %s", what, a.Status, a.Body)
		}
	}
	t.Run("direct", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, withDirect(), unreachable)
		refused(t, "token", e.do("POST", "/v1/token", bearer(t, "alice", "uploader"), ""))
	})
	t.Run("brokered", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, unreachable)
		auth := bearer(t, "alice", "uploader")
		if a := e.do("POST", "/v1/token", auth, ""); a.Status != 200 || a.JSON["mode"] != "brokered" {
			t.Fatalf("token: %d %s", a.Status, a.Body)
		}
		a, _ := e.begin(auth, beginBody("/a.bin", []byte("abc")))
		refused(t, "begin", a)
	})
}

// A 5xx from SMH is retried once; a second one is answered UpstreamError. The first SMH call
// of a direct role's token is the token itself; of a brokered begin, its server token (the
// second begin reuses it, so there the begin itself fails twice).
func TestUpstream5xxRetriedOnce(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		mode string
		opts []option
		// call makes the request; calls is how many SMH calls it makes when nothing fails.
		call  func(e *env) *answer
		calls int32
	}{
		{"direct", []option{withDirect()}, func(e *env) *answer {
			return e.do("POST", "/v1/token", bearer(e.t, "alice", "uploader"), "")
		}, 1},
		{"brokered", nil, func(e *env) *answer {
			e.mkdir("/users/alice") // else the begin makes the folder first: more calls
			a, _ := e.begin(bearer(e.t, "alice", "uploader"), beginBody("/a.bin", []byte("abc"), "conflict", "rename"))
			return a
		}, 2},
	} {
		t.Run(c.mode, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			fail := atomic.Int32{}
			e := newEnv(t, append(c.opts, withConfig(func(cfg *function.Config) {
				up := cfg.HTTPClient
				cfg.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
					n.Add(1)
					if fail.Add(-1) >= 0 {
						return &http.Response{StatusCode: 503, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"code":"ServiceUnavailable"}`)), Request: r}, nil
					}
					return up.Transport.RoundTrip(r)
				})}
			}))...)
			fail.Store(1)
			if a := c.call(e); a.Status/100 != 2 || n.Load() != c.calls+1 {
				t.Fatalf("one 503: %d %s after %d calls", a.Status, a.Body, n.Load())
			}
			n.Store(0)
			fail.Store(2)
			if a := c.call(e); a.Status != 502 || a.code() != "UpstreamError" || n.Load() != 2 {
				t.Fatalf("two 503s: %d %s after %d calls", a.Status, a.Body, n.Load())
			}
		})
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
	// The role is brokered (the default mode): its begin runs upstream in the chosen space.
	a, u := e.begin(auth, beginBody("/a.jpg", []byte("jpg"), "spaceId", "space1"))
	if u == nil || u.Path != "/carol/a.jpg" {
		t.Fatalf("begin: %d %s", a.Status, a.Body)
	}
	if open, err := e.emu.OpenUploads("smhmedia", "space1"); err != nil || len(open) != 1 || open[0].Path != "/carol/a.jpg" {
		t.Fatalf("tasks in space1: %+v %v", open, err)
	}
	if a, _ := e.begin(auth, beginBody("/b.jpg", []byte("jpg"), "spaceId", "space9")); a.Status != 403 || a.code() != "Forbidden" {
		t.Fatalf("begin in a foreign space: %d %s", a.Status, a.Body)
	}
}

// The API Gateway adapter keeps a named stage in the URLs the answer carries: a brokered
// role's uploadsUrl and directoryUrl, a direct role's confirmUrl.
func TestAPIGatewayStageURLs(t *testing.T) {
	t.Parallel()
	const apigw, lambdaURL = "https://abc123.execute-api.eu-west-1.amazonaws.com/prod", "https://abcdefg.lambda-url.eu-west-1.on.aws"
	for _, c := range []struct {
		mode string
		opts []option
		want map[string]string // field: URL after the adapter's base
	}{
		{"brokered", nil, map[string]string{"uploadsUrl": "/v1/uploads", "directoryUrl": "/v1/directory"}},
		{"direct", []option{withDirect()}, map[string]string{"confirmUrl": "/v1/confirm", "directoryUrl": "/v1/directory"}},
	} {
		t.Run(c.mode, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, c.opts...)
			for base, send := range map[string]func(*http.Request) *http.Response{
				apigw: viaAPIGateway("prod")(t, e.h), lambdaURL: viaLambdaURL(t, e.h),
			} {
				a := serve(t, send, "POST", "/v1/token", bearer(t, "alice", "uploader"), "")
				if a.JSON["mode"] != c.mode {
					t.Fatalf("%d %s", a.Status, a.Body)
				}
				for k, route := range c.want {
					if a.JSON[k] != base+route {
						t.Errorf("%s %s = %v, want %s", base, k, a.JSON[k], base+route)
					}
				}
			}
		})
	}
}

// The audit line of a direct token issuance names who got which grants, and nothing secret.
func TestAuditLog(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	e := newEnv(t, withDirect(), withConfig(func(c *function.Config) { c.Logger = newLogger(&buf) }))
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

// The audit lines of a brokered upload name who put what where: the begin its path and
// size, every ticket route its upload's path; the ticket itself never appears.
func TestAuditLogBrokered(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	e := newEnv(t, withConfig(func(c *function.Config) { c.Logger = newLogger(&buf) }))
	auth := bearer(t, "alice", "uploader")
	data := []byte("audit")
	e.do("POST", "/v1/token", auth, "")
	a, u := e.begin(auth, beginBody("/in/a.txt", data))
	if u == nil {
		t.Fatalf("begin: %d %s", a.Status, a.Body)
	}
	e.send(auth, u, data)
	if c := e.complete(auth, u.ID, data); c.Status != 200 {
		t.Fatalf("complete: %d %s", c.Status, c.Body)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines: %s", len(lines), buf.String())
	}
	var tok, begin, done map[string]any
	json.Unmarshal([]byte(lines[0]), &tok)
	json.Unmarshal([]byte(lines[1]), &begin)
	json.Unmarshal([]byte(lines[2]), &done)
	for i, want := range []struct {
		line map[string]any
		kv   map[string]any
	}{
		{tok, map[string]any{"path": "/v1/token", "userId": "alice", "role": "uploader", "outcome": "ok", "status": float64(200)}},
		{begin, map[string]any{"path": "/v1/uploads", "userId": "alice", "outcome": "ok", "status": float64(201),
			"uploadPath": "/users/alice/in/a.txt", "size": float64(len(data))}},
		{done, map[string]any{"path": "/v1/uploads/{id}/complete", "userId": "alice", "outcome": "ok", "status": float64(200),
			"uploadPath": "/users/alice/in/a.txt"}},
	} {
		for k, v := range want.kv {
			if want.line[k] != v {
				t.Errorf("line %d: %s = %v, want %v (%s)", i, k, want.line[k], v, lines[i])
			}
		}
	}
	if _, ok := tok["grants"]; ok {
		t.Errorf("a brokered token answer grants nothing, yet the log names grants: %s", lines[0])
	}
	for _, f := range []string{libSecret, hsSecret, ticketKey, "eyJ", "accessToken", "library_secret", u.ID} {
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
