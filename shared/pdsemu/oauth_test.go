package pdsemu_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/emukit"
	"github.com/ferry-upload/ferry/shared/pdsemu"
)

const jwtGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

func TestJWTBearerGrant(t *testing.T) {
	appK, otherK := keys(t)
	e := newEnv(t, pdsemu.Options{})
	// A user that exists, for assertions without auto_create.
	_, err := e.emu.CreateUser("known")
	require.NoError(t, err)
	cases := []struct {
		name   string
		edit   func(c claims)
		key    any    // signing key; nil = the app's
		alg    string // "" = RS256
		client string // "" = the JWT app
		status int
		code   string
		why    string // in the message: the refusal is for this reason
	}{
		{name: "valid, auto_create", status: 200},
		{name: "known user without auto_create", edit: func(c claims) { c["sub"] = "known"; c["auto_create"] = false }, status: 200},
		{name: "unknown user without auto_create", edit: func(c claims) { delete(c, "auto_create") }, status: 404, code: "NotFound.User", why: "auto_create"},
		{name: "signed with another key", key: otherK, status: 400, code: "InvalidGrant", why: "signature"},
		{name: "alg HS256 in the header", alg: "HS256", status: 400, code: "InvalidGrant", why: "RS256"},
		{name: "iss is another client", edit: func(c claims) { c["iss"] = "someone-else" }, status: 400, code: "InvalidGrant", why: "iss"},
		{name: "client_id is not the JWT app", client: pdsemu.DevWebClientID, status: 401, code: "InvalidClient", why: "not a JWT app"},
		{name: "aud is another domain", edit: func(c claims) { c["aud"] = "otherdomain" }, status: 400, code: "InvalidGrant", why: "aud"},
		{name: "aud array holding the domain", edit: func(c claims) { c["aud"] = []string{"x", pdsemu.DevDomainID} }, status: 200},
		{name: "sub_type service", edit: func(c claims) { c["sub_type"] = "service" }, status: 400, code: "InvalidGrant", why: "sub_type"},
		{name: "sub with | and @", edit: func(c claims) { c["sub"] = "auth0|a@b.example" }, status: 200},
		{name: "sub with a space", edit: func(c claims) { c["sub"] = "a b" }, status: 400, code: "InvalidGrant", why: "sub must"},
		{name: "no sub", edit: func(c claims) { delete(c, "sub") }, status: 400, code: "InvalidGrant", why: "sub must"},
		{name: "expired", edit: func(c claims) { c["exp"] = e.clk.Now().Add(-time.Second).Unix() }, status: 400, code: "InvalidGrant", why: "expired"},
		{name: "exp too far", edit: func(c claims) { c["exp"] = e.clk.Now().Add(time.Hour).Unix() }, status: 400, code: "InvalidGrant", why: "more than"},
		{name: "no exp", edit: func(c claims) { delete(c, "exp") }, status: 400, code: "InvalidGrant", why: "exp and iat"},
		{name: "no iat", edit: func(c claims) { delete(c, "iat") }, status: 400, code: "InvalidGrant", why: "exp and iat"},
		{name: "iat in the future", edit: func(c claims) { c["iat"] = e.clk.Now().Add(2 * time.Minute).Unix() }, status: 400, code: "InvalidGrant", why: "iat is in the future"},
		{name: "SDK's iat = now-300", edit: func(c claims) { c["iat"] = e.clk.Now().Add(-5 * time.Minute).Unix() }, status: 200},
		{name: "no jti", edit: func(c claims) { delete(c, "jti") }, status: 400, code: "InvalidGrant", why: "jti"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := e.claims("u-" + emukit.RandomHex(4))
			if tc.edit != nil {
				tc.edit(c)
			}
			key := appK
			if tc.key != nil {
				key = otherK
			}
			alg := tc.alg
			if alg == "" {
				alg = "RS256"
			}
			client := tc.client
			if client == "" {
				client = pdsemu.DevJWTClientID
			}
			a := e.form(url.Values{"grant_type": {jwtGrant}, "client_id": {client}, "assertion": {sign(t, key, alg, c)}})
			require.Equal(t, tc.status, a.status, "%s", a.body)
			assert.NotEmpty(t, a.header.Get("x-ca-request-id"))
			if tc.status != 200 {
				assert.Equal(t, tc.code, a.code())
				assert.Contains(t, string(a.body), tc.why)
				return
			}
			var tk token
			a.decode(t, &tk)
			assert.NotEmpty(t, tk.AccessToken)
			assert.NotEmpty(t, tk.RefreshToken)
			assert.Equal(t, "Bearer", tk.TokenType)
			assert.Equal(t, int64(7200), tk.ExpiresIn)
			assert.Equal(t, c["sub"], tk.UserID)
			assert.Equal(t, pdsemu.DevDomainID, tk.DomainID)
			assert.Equal(t, e.emu.DefaultDrive(tk.UserID), tk.DefaultDriveID)
			assert.NotEmpty(t, tk.DefaultDriveID)
		})
	}
}

func TestJWTBearerReplayedJTI(t *testing.T) {
	k, _ := keys(t)
	e := newEnv(t, pdsemu.Options{})
	c := e.claims("alice")
	assertion := sign(t, k, "RS256", c)
	f := url.Values{"grant_type": {jwtGrant}, "client_id": {pdsemu.DevJWTClientID}, "assertion": {assertion}}
	require.Equal(t, 200, e.form(f).status)
	again := e.form(f)
	assert.Equal(t, 400, again.status)
	assert.Equal(t, "InvalidGrant", again.code())
	assert.Contains(t, string(again.body), "replay")
	// Another assertion with the same jti (re-signed) is a replay too.
	c["iat"] = e.clk.Now().Unix() + 1
	f.Set("assertion", sign(t, k, "RS256", c))
	assert.Equal(t, "InvalidGrant", e.form(f).code())
}

func TestJWTBearerKeyOptions(t *testing.T) {
	k, _ := keys(t)
	_, err := pdsemu.New(pdsemu.Options{JWTPublicKeyPEM: []byte("not pem")})
	assert.Error(t, err)

	// A PEM key works like a parsed one.
	e := newEnv(t, pdsemu.Options{JWTPublicKeyPEM: pemPublic(t, &k.PublicKey)})
	e.jwtToken("pem-user")

	// Without a key every assertion is refused.
	srv, err := pdsemu.NewServer(pdsemu.Options{Now: e.clk.Now})
	require.NoError(t, err)
	defer srv.Close()
	bare := &env{t: t, srv: srv, emu: srv.Emulator(), base: srv.URL(), hc: srv.HTTPClient(), clk: e.clk}
	a := bare.form(url.Values{"grant_type": {jwtGrant}, "client_id": {pdsemu.DevJWTClientID},
		"assertion": {sign(t, k, "RS256", bare.claims("x"))}})
	assert.Equal(t, 401, a.status)
	assert.Equal(t, "InvalidClient", a.code())
}

func TestTokenEndpointTakesAFormBody(t *testing.T) {
	e := newEnv(t, pdsemu.Options{})
	f := url.Values{"grant_type": {"refresh_token"}, "client_id": {pdsemu.DevJWTClientID}, "refresh_token": {"x"}}
	json := e.do("POST", "/v2/oauth/token", map[string]string{"Content-Type": "application/json"}, `{"grant_type":"refresh_token"}`)
	assert.Equal(t, 400, json.status)
	assert.Equal(t, "InvalidParameter", json.code())
	query := e.do("POST", "/v2/oauth/token?"+f.Encode(), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "")
	assert.Equal(t, "InvalidParameter", query.code())
	f.Set("grant_type", "password")
	assert.Equal(t, "UnsupportedGrantType", e.form(f).code())
	get := e.do("GET", "/v2/oauth/token", nil, nil)
	assert.Equal(t, 405, get.status)
}

// authorize runs the dev authorize page and returns the code it redirected with.
func (e *env) authorize(redirect, state, login string) string {
	e.t.Helper()
	q := url.Values{"client_id": {pdsemu.DevWebClientID}, "redirect_uri": {redirect}, "response_type": {"code"}, "state": {state}}
	if login != "" {
		q.Set("login_hint", login)
	}
	a := e.do("GET", "/v2/oauth/authorize?"+q.Encode(), nil, nil)
	require.Equal(e.t, 302, a.status, "%s", a.body)
	loc, err := url.Parse(a.header.Get("Location"))
	require.NoError(e.t, err)
	require.Equal(e.t, redirect, loc.Scheme+"://"+loc.Host+loc.Path)
	require.Equal(e.t, state, loc.Query().Get("state"))
	require.NotEmpty(e.t, loc.Query().Get("code"))
	return loc.Query().Get("code")
}

func codeForm(code, redirect string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "client_id": {pdsemu.DevWebClientID},
		"client_secret": {pdsemu.DevWebClientSecret}, "code": {code}, "redirect_uri": {redirect}}
}

func TestAuthorizationCodeGrant(t *testing.T) {
	const redirect = "http://127.0.0.1:8788/v1/pds/callback"
	e := newEnv(t, pdsemu.Options{})

	code := e.authorize(redirect, "st-1", "")
	a := e.form(codeForm(code, redirect))
	require.Equal(t, 200, a.status, "%s", a.body)
	var tk token
	a.decode(t, &tk)
	assert.Equal(t, pdsemu.DevUser, tk.UserID)
	assert.NotEmpty(t, tk.RefreshToken)
	assert.Equal(t, e.emu.DefaultDrive(pdsemu.DevUser), tk.DefaultDriveID)

	refusals := []struct {
		name string
		form func() url.Values
		code string
	}{
		{"code reused", func() url.Values { return codeForm(code, redirect) }, "InvalidGrant"},
		{"another redirect_uri", func() url.Values {
			return codeForm(e.authorize(redirect, "s", "bob"), "http://127.0.0.1:8788/elsewhere")
		}, "InvalidGrant"},
		{"bad secret", func() url.Values {
			f := codeForm(e.authorize(redirect, "s", "bob"), redirect)
			f.Set("client_secret", "wrong")
			return f
		}, "InvalidClient"},
		{"the JWT app's client id", func() url.Values {
			f := codeForm(e.authorize(redirect, "s", "bob"), redirect)
			f.Set("client_id", pdsemu.DevJWTClientID)
			return f
		}, "InvalidClient"},
		{"expired (61 s)", func() url.Values {
			c := e.authorize(redirect, "s", "bob")
			e.clk.Advance(61 * time.Second)
			return codeForm(c, redirect)
		}, "InvalidGrant"},
		{"unknown code", func() url.Values { return codeForm("0123456789abcdef", redirect) }, "InvalidGrant"},
		{"no redirect_uri", func() url.Values {
			f := codeForm(e.authorize(redirect, "s", "bob"), redirect)
			f.Del("redirect_uri")
			return f
		}, "InvalidParameterMissing"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			a := e.form(tc.form())
			assert.Equal(t, tc.code, a.code(), "%d %s", a.status, a.body)
			assert.NotEqual(t, 200, a.status)
		})
	}

	t.Run("a code presented with a wrong redirect_uri is spent", func(t *testing.T) {
		c := e.authorize(redirect, "s", "carol")
		assert.Equal(t, "InvalidGrant", e.form(codeForm(c, "http://localhost/x")).code())
		assert.Equal(t, "InvalidGrant", e.form(codeForm(c, redirect)).code())
	})
}

func TestAuthorizePageRefusals(t *testing.T) {
	e := newEnv(t, pdsemu.Options{})
	ok := url.Values{"client_id": {pdsemu.DevWebClientID}, "redirect_uri": {"http://localhost:5173/cb"}, "response_type": {"code"}}
	cases := []struct {
		name, key, value, code string
	}{
		{"https redirect", "redirect_uri", "https://127.0.0.1/cb", "InvalidParameter.RedirectUri"},
		{"non-loopback redirect", "redirect_uri", "http://evil.example/cb", "InvalidParameter.RedirectUri"},
		{"loopback lookalike", "redirect_uri", "http://127.0.0.1.evil.example/cb", "InvalidParameter.RedirectUri"},
		{"fragment", "redirect_uri", "http://127.0.0.1/cb#x", "InvalidParameter.RedirectUri"},
		{"unknown client", "client_id", "nobody", "InvalidClient"},
		{"response_type token", "response_type", "token", "InvalidParameter"},
		{"bad login_hint", "login_hint", "a/b", "InvalidParameter"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{}
			for k, v := range ok {
				q[k] = v
			}
			q.Set(tc.key, tc.value)
			a := e.do("GET", "/v2/oauth/authorize?"+q.Encode(), nil, nil)
			assert.Equal(t, tc.code, a.code(), "%d %s", a.status, a.body)
			assert.Empty(t, a.header.Get("Location"), "a refused authorize request never redirects")
		})
	}
	// IPv6 loopback is registered too.
	e.authorize("http://[::1]:9000/cb", "s", "")
}

func TestRefreshTokenRotation(t *testing.T) {
	const redirect = "http://127.0.0.1/cb"
	e := newEnv(t, pdsemu.Options{})
	a := e.form(codeForm(e.authorize(redirect, "s", ""), redirect))
	require.Equal(t, 200, a.status)
	var first token
	a.decode(t, &first)

	refresh := func(rt, client, secret string) answer {
		f := url.Values{"grant_type": {"refresh_token"}, "client_id": {client}, "refresh_token": {rt}}
		if secret != "" {
			f.Set("client_secret", secret)
		}
		return e.form(f)
	}
	assert.Equal(t, "InvalidClient", refresh(first.RefreshToken, pdsemu.DevWebClientID, "wrong").code())
	b := refresh(first.RefreshToken, pdsemu.DevWebClientID, pdsemu.DevWebClientSecret)
	require.Equal(t, 200, b.status, "%s", b.body)
	var second token
	b.decode(t, &second)
	assert.NotEqual(t, first.RefreshToken, second.RefreshToken, "rotated")
	assert.NotEqual(t, first.AccessToken, second.AccessToken)
	assert.Equal(t, first.UserID, second.UserID)
	assert.Equal(t, "InvalidGrant", refresh(first.RefreshToken, pdsemu.DevWebClientID, pdsemu.DevWebClientSecret).code(), "spent")
	// A web app's refresh token is not the JWT app's.
	assert.Equal(t, "InvalidGrant", refresh(second.RefreshToken, pdsemu.DevJWTClientID, "").code())

	// The JWT app refreshes without a secret.
	jt := e.jwtToken("svc-user")
	c := refresh(jt.RefreshToken, pdsemu.DevJWTClientID, "")
	require.Equal(t, 200, c.status, "%s", c.body)
}

func TestAccessTokenExpiry(t *testing.T) {
	e := newEnv(t, pdsemu.Options{})
	tk := e.jwtToken("alice")
	get := func(tok string) answer {
		return e.api("/v2/file/list", tok, map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": "root"})
	}
	require.Equal(t, 200, get(tk.AccessToken).status)
	e.clk.Advance(2*time.Hour - time.Second)
	require.Equal(t, 200, get(tk.AccessToken).status)
	e.clk.Advance(time.Second)
	a := get(tk.AccessToken)
	assert.Equal(t, 401, a.status)
	assert.Equal(t, "AccessTokenInvalid", a.code())
	assert.NotEmpty(t, a.header.Get("x-ca-request-id"))

	// POST /_emulator/expire ends the tokens issued so far.
	tk = e.jwtToken("alice")
	require.Equal(t, 200, get(tk.AccessToken).status)
	x := e.do("POST", "/_emulator/expire", nil, `{"tokens":true}`)
	require.Equal(t, 200, x.status, "%s", x.body)
	assert.Equal(t, "AccessTokenInvalid", get(tk.AccessToken).code())

	// The expireTokenAfter fault caps the life of tokens issued from then on.
	require.NoError(t, e.emu.SetFaults(pdsemu.FaultConfig{ExpireTokenAfter: pdsemu.Duration(30 * time.Second)}))
	tk = e.jwtToken("alice")
	assert.Equal(t, int64(30), tk.ExpiresIn)
	e.clk.Advance(30 * time.Second)
	assert.Equal(t, "AccessTokenInvalid", get(tk.AccessToken).code())

	// No token, another scheme, an unknown token.
	assert.Equal(t, "AccessTokenInvalid", get("").code())
	assert.Equal(t, "AccessTokenInvalid", e.do("POST", "/v2/file/list", map[string]string{"Authorization": "Basic x"}, `{}`).code())
	assert.Equal(t, "AccessTokenInvalid", get("nope").code())
}
