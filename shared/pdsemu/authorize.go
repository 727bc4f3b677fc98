package pdsemu

import (
	"net"
	"net/http"
	"net/url"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// authorize serves the dev GET /v2/oauth/authorize: it signs in login_hint (DevUser when
// absent; created if new) and approves at once, 302 to redirect_uri?code=…&state=….
// Requests it cannot trust (unknown client, unregistered redirect_uri) are answered with
// an error, never redirected.
func (e *Emulator) authorize(c *emukit.Call) error {
	q, err := url.ParseQuery(c.Request().URL.RawQuery)
	if err != nil {
		return ErrInvalidParameter.With("malformed query string")
	}
	if err := required(q, "client_id", "redirect_uri", "response_type"); err != nil {
		return err
	}
	if q.Get("client_id") != e.cfg.webClient {
		return ErrInvalidClient.With("client %q is not a web app of this domain", q.Get("client_id"))
	}
	redirect := q.Get("redirect_uri")
	target, err := loopbackRedirect(redirect)
	if err != nil {
		return err
	}
	if q.Get("response_type") != "code" {
		return ErrInvalidParameter.With("response_type must be \"code\"")
	}
	login := q.Get("login_hint")
	if login == "" {
		login = DevUser
	}
	if !validUserID(login) {
		return ErrInvalidParameter.With("login_hint must be a user id (1-128 bytes, no spaces, control characters or '/')")
	}
	code := emukit.RandomHex(16)
	err = e.kit.Update(func() error {
		now := e.now()
		e.pruneCodesLocked(now)
		u := e.ensureUserLocked(login)
		e.st.Codes[code] = &authCode{User: u.ID, Client: e.cfg.webClient, Redirect: redirect, Expiry: now.Add(AuthCodeTTL)}
		return nil
	})
	if err != nil {
		return err
	}
	tq := target.Query()
	tq.Set("code", code)
	if s := q.Get("state"); s != "" {
		tq.Set("state", s)
	}
	target.RawQuery = tq.Encode()
	c.Writer().Header().Set("Location", target.String())
	c.Writer().Header().Set("Cache-Control", "no-store")
	return c.Empty(http.StatusFound)
}

// loopbackRedirect accepts the dev web app's registered redirect URIs: any http URL on a
// loopback host, without credentials or fragment.
func loopbackRedirect(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	bad := ErrInvalidRedirectURI.With("redirect_uri must be an http URL on a loopback host (127.0.0.1, [::1], localhost)")
	if err != nil || u.Scheme != "http" || u.User != nil || u.Fragment != "" || u.Opaque != "" {
		return nil, bad
	}
	h := u.Hostname()
	if ip := net.ParseIP(h); !(h == "localhost" || ip != nil && ip.IsLoopback()) {
		return nil, bad
	}
	return u, nil
}
