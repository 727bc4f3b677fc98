package function_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/pdsemu"
)

const pdsReturnTo = "https://app.example.com/upload"

// pdsWeb is the function in web sign-in mode in front of the PDS emulator's dev web app.
type pdsWeb struct {
	t   *testing.T
	srv *pdsemu.Server
	h   http.Handler
}

func newPDSWeb(t *testing.T) *pdsWeb {
	t.Helper()
	srv, err := pdsemu.NewServer(pdsemu.Options{})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	cfg, err := function.ConfigFromLookup(lookupOf(map[string]string{
		function.EnvProvider:        function.ProviderPDS,
		function.EnvPDSAPIBase:      srv.URL(),
		function.EnvPDSDomainID:     pdsemu.DevDomainID,
		function.EnvPDSClientID:     pdsemu.DevWebClientID,
		function.EnvPDSClientSecret: pdsemu.DevWebClientSecret,
		function.EnvPDSRedirectURI:  "http://127.0.0.1:9/v1/pds/callback",
		function.EnvHS256Secret:     hsSecret,
		function.EnvAllowedOrigins:  "https://app.example.com",
		function.EnvTicketKey:       strings.Repeat("t", 32),
	}))
	require.NoError(t, err)
	cfg.HTTPClient = srv.HTTPClient()
	h, err := function.New(cfg)
	require.NoError(t, err)
	return &pdsWeb{t: t, srv: srv, h: h}
}

// call sends one request to the function with the caller's JWT and cookies.
func (p *pdsWeb) call(method, target, user, body string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	p.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, "https://fn.example.com"+target, rd)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		r.Header.Set("Authorization", bearer(p.t, user, "uploader"))
	}
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	p.h.ServeHTTP(w, r)
	recordAnswer(w.Code, w.Header(), w.Body.Bytes())
	return w
}

func cookieOf(t *testing.T, w *httptest.ResponseRecorder, name string) *http.Cookie {
	t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// start runs the login route for user and PDS's authorize page for pdsUser: it returns the
// callback URL PDS sends the browser back to, and the browser's state cookie.
func (p *pdsWeb) start(user, pdsUser string) (callback string, state *http.Cookie) {
	p.t.Helper()
	w := p.call("POST", "/v1/pds/login", user, `{"returnTo":"`+pdsReturnTo+`"}`)
	require.Equal(p.t, 200, w.Code, "%s", w.Body)
	state = cookieOf(p.t, w, "ferry_pds_state")
	require.NotNil(p.t, state)
	assert.True(p.t, state.HttpOnly && state.Secure && state.SameSite == http.SameSiteLaxMode, "state cookie %+v", state)
	var ans struct{ AuthorizeURL string }
	require.NoError(p.t, jsonDecode(w.Body.Bytes(), &ans))
	assert.NotContains(p.t, ans.AuthorizeURL, pdsemu.DevWebClientSecret)
	client := p.srv.HTTPClient()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Get(ans.AuthorizeURL + "&login_hint=" + url.QueryEscape(pdsUser))
	require.NoError(p.t, err)
	resp.Body.Close()
	require.Equal(p.t, 302, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(p.t, err)
	return loc.Path + "?" + loc.RawQuery, state
}

// signIn runs the whole sign-in and returns the session cookie.
func (p *pdsWeb) signIn(user, pdsUser string) *http.Cookie {
	p.t.Helper()
	cb, state := p.start(user, pdsUser)
	w := p.call("GET", cb, "", "", state)
	require.Equal(p.t, 303, w.Code, "%s", w.Body)
	assert.Equal(p.t, pdsReturnTo+"#ferry-pds-signin=ok", w.Header().Get("Location"))
	s := cookieOf(p.t, w, "ferry_pds")
	require.NotNil(p.t, s)
	assert.True(p.t, s.HttpOnly && s.Secure && s.SameSite == http.SameSiteLaxMode && s.Path == "/v1/", "session cookie %+v", s)
	if cleared := cookieOf(p.t, w, "ferry_pds_state"); assert.NotNil(p.t, cleared) {
		assert.Equal(p.t, -1, cleared.MaxAge, "the state cookie is single-use")
	}
	return s
}

// upload stores data at path with the caller's PDS sign-in.
func (p *pdsWeb) upload(user, path string, data []byte, session *http.Cookie) *httptest.ResponseRecorder {
	p.t.Helper()
	w := p.call("POST", "/v1/uploads", user, fmt.Sprintf(`{"path":%q,"size":%d}`, path, len(data)), session)
	if w.Code != 201 {
		return w
	}
	var ans struct {
		Upload struct {
			ID      string
			Targets []struct {
				URL     string
				Offset  int64
				Length  int64
				Headers map[string]string
			}
		}
	}
	require.NoError(p.t, jsonDecode(w.Body.Bytes(), &ans))
	for _, tg := range ans.Upload.Targets {
		req, err := http.NewRequest("PUT", tg.URL, bytes.NewReader(data[tg.Offset:tg.Offset+tg.Length]))
		require.NoError(p.t, err)
		resp, err := p.srv.HTTPClient().Do(req)
		require.NoError(p.t, err)
		resp.Body.Close()
		require.Equal(p.t, 200, resp.StatusCode)
	}
	return p.call("POST", "/v1/uploads/"+ans.Upload.ID+"/complete", user, `{"crc64":"`+crcOf(data)+`"}`, session)
}

func TestPDSWebSignIn(t *testing.T) {
	p := newPDSWeb(t)
	session := p.signIn("alice", "alice-at-pds")
	assert.NotContains(t, session.Value, "alice-at-pds", "the cookie is sealed, not readable")
	data := payload(4000)
	w := p.upload("alice", "a.bin", data, session)
	require.Equal(t, 200, w.Code, "%s", w.Body)
	files, err := p.srv.Emulator().Files(p.srv.Emulator().DefaultDrive("alice-at-pds"))
	require.NoError(t, err)
	require.Len(t, files, 1)
	assert.Equal(t, "/users/alice/a.bin", files[0].Path)
	assert.Equal(t, sha256Hex(data), files[0].SHA256)

	// Logout clears the cookie.
	w = p.call("POST", "/v1/pds/logout", "alice", "", session)
	require.Equal(t, 204, w.Code)
	assert.Equal(t, -1, cookieOf(t, w, "ferry_pds").MaxAge)
}

// The attacks of issue 13's security matrix on the sign-in.
func TestPDSWebSignInAttacks(t *testing.T) {
	p := newPDSWeb(t)
	alice := p.signIn("alice", "alice-at-pds")

	t.Run("no sign-in", func(t *testing.T) {
		w := p.call("POST", "/v1/uploads", "alice", `{"path":"x.bin","size":1}`)
		assert.Equal(t, 401, w.Code, "%s", w.Body)
		assert.Contains(t, w.Body.String(), `"providerCode":"SignInRequired"`)
	})
	t.Run("state forged", func(t *testing.T) {
		cb, state := p.start("alice", "alice-at-pds")
		forged := strings.Replace(cb, "state=", "state=0", 1)
		assert.Equal(t, 403, p.call("GET", forged, "", "", state).Code)
	})
	t.Run("callback without the state cookie", func(t *testing.T) {
		cb, _ := p.start("alice", "alice-at-pds")
		assert.Equal(t, 403, p.call("GET", cb, "", "").Code)
	})
	t.Run("another browser's state cookie", func(t *testing.T) {
		cb, _ := p.start("alice", "alice-at-pds")
		_, attackers := p.start("mallory", "mallory-at-pds")
		assert.Equal(t, 403, p.call("GET", cb, "", "", attackers).Code)
	})
	t.Run("callback replayed", func(t *testing.T) {
		cb, state := p.start("alice", "alice-at-pds")
		require.Equal(t, 303, p.call("GET", cb, "", "", state).Code)
		w := p.call("GET", cb, "", "", state)
		assert.Equal(t, 403, w.Code, "%s", w.Body)
		assert.Nil(t, cookieOf(t, w, "ferry_pds"), "a replayed callback set a session")
	})
	t.Run("session altered", func(t *testing.T) {
		c := *alice
		b := []byte(c.Value)
		b[len(b)/2] ^= 1
		if b[len(b)/2] == '-' || b[len(b)/2] == '_' {
			b[len(b)/2] = 'A'
		}
		c.Value = string(b)
		assert.Equal(t, 403, p.call("POST", "/v1/uploads", "alice", `{"path":"x.bin","size":1}`, &c).Code)
	})
	t.Run("session moved to another user", func(t *testing.T) {
		w := p.call("POST", "/v1/uploads", "bob", `{"path":"x.bin","size":1}`, alice)
		assert.Equal(t, 403, w.Code, "%s", w.Body)
	})
	t.Run("state cookie used as a session", func(t *testing.T) {
		_, state := p.start("alice", "alice-at-pds")
		c := &http.Cookie{Name: "ferry_pds", Value: state.Value}
		assert.Equal(t, 403, p.call("POST", "/v1/uploads", "alice", `{"path":"x.bin","size":1}`, c).Code)
	})
	t.Run("returnTo elsewhere", func(t *testing.T) {
		for body, status := range map[string]int{
			`{"returnTo":"https://evil.example.net/"}`:         403,
			`{"returnTo":"https://app.example.com.evil.net/"}`: 403,
			`{"returnTo":"//evil.example.net/"}`:               400,
			`{"returnTo":"https://app.example.com/#x"}`:        400,
		} {
			assert.Equal(t, status, p.call("POST", "/v1/pds/login", "alice", body).Code, body)
		}
	})
}

// An access token that expired is renewed with the refresh token, and the renewed
// sign-in comes back sealed in the cookie; PDS rotates refresh tokens, so the old cookie is
// spent.
func TestPDSWebSignInRenewal(t *testing.T) {
	p := newPDSWeb(t)
	old := p.signIn("carol", "carol-at-pds")
	_, _, err := p.srv.Emulator().ExpireNow(true, false)
	require.NoError(t, err)
	w := p.call("POST", "/v1/uploads", "carol", `{"path":"r.bin","size":3}`, old)
	require.Equal(t, 201, w.Code, "%s", w.Body)
	renewed := cookieOf(t, w, "ferry_pds")
	require.NotNil(t, renewed, "the renewed sign-in was not sealed into the cookie")
	assert.NotEqual(t, old.Value, renewed.Value)
	w = p.upload("carol", "r2.bin", []byte("abc"), renewed)
	assert.Equal(t, 200, w.Code, "%s", w.Body)
	_, _, err = p.srv.Emulator().ExpireNow(true, false)
	require.NoError(t, err)
	w = p.call("POST", "/v1/uploads", "carol", `{"path":"r3.bin","size":3}`, old)
	assert.Equal(t, 401, w.Code, "%s", w.Body)
	assert.Contains(t, w.Body.String(), `"providerCode":"SignInRequired"`)
}

func jsonDecode(b []byte, v any) error { return json.Unmarshal(b, v) }

// A PDS that cannot be reached at the callback is named as PDS (it once said "SMH").
func TestPDSWebSignInUpstreamDown(t *testing.T) {
	p := newPDSWeb(t)
	cb, state := p.start("alice", "pds-alice")
	p.srv.Close()
	w := p.call("GET", cb, "", "", state)
	require.Equal(t, 502, w.Code, "%s", w.Body)
	var ans struct{ Code, Message string }
	require.NoError(t, jsonDecode(w.Body.Bytes(), &ans))
	assert.Equal(t, "UpstreamError", ans.Code)
	assert.Contains(t, ans.Message, "PDS")
	assert.NotContains(t, ans.Message, "SMH")
}
