package function

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/ferry-upload/ferry/function/provider"
	sharedpds "github.com/ferry-upload/ferry/shared/pds"
)

// PDS web sign-in (FERRY_PROVIDER=pds with PDS_CLIENT_SECRET): the caller signs in to PDS
// itself, and the function keeps that sign-in sealed in an HttpOnly cookie, bound to the
// caller's sub, never readable by the page.
//
//  1. POST /v1/pds/login (the host's JWT; {"returnTo"}) answers {"authorizeUrl"} and sets a
//     short-lived state cookie: the sealed random state, the caller's sub and returnTo.
//  2. The page navigates to authorizeUrl; PDS sends the user back to GET /v1/pds/callback
//     with ?code=…&state=…. The state must equal the one sealed in that browser's state
//     cookie (CSRF: a callback started elsewhere has no matching cookie); the cookie is
//     cleared, the code exchanged (codes are single-use at PDS, so a replayed callback
//     fails), and the session cookie set: user, drive, refresh and access tokens, the sub.
//  3. Brokered routes open the session cookie and refuse it for any other sub (a cookie
//     carried to another user's session is refused); a renewal seals it again.
//  4. POST /v1/pds/logout clears it.
//
// Cookies are HttpOnly, SameSite=Lax (sent on the top-level return from PDS and with the
// page's credentialed fetches when the function is on the page's site) and Secure (except
// over plain http in DEV_MODE).

const (
	routePDSLogin    = "/v1/pds/login"
	routePDSCallback = "/v1/pds/callback"
	routePDSLogout   = "/v1/pds/logout"

	pdsCookie      = "ferry_pds"
	pdsStateCookie = "ferry_pds_state"
	pdsSealPrefix  = "fc1."
	pdsSessionAAD  = "ferry pds session v1"
	pdsStateAAD    = "ferry pds state v1"
	pdsStateLife   = 10 * time.Minute
	// pdsSessionLife bounds a sign-in kept in the cookie (PDS's refresh tokens may live
	// longer; signing in again a month later is the price of stateless instances).
	pdsSessionLife = 30 * 24 * time.Hour
)

// pdsState is the sealed content of the state cookie.
type pdsState struct {
	State    string `json:"s"`
	Subject  string `json:"u"`
	ReturnTo string `json:"r"`
	Expires  int64  `json:"e"`
}

// pdsSession is the sealed content of the session cookie.
type pdsSession struct {
	Subject       string `json:"u"`
	User          string `json:"p"`
	Drive         string `json:"d,omitempty"`
	Refresh       string `json:"rt"`
	Access        string `json:"at,omitempty"`
	AccessExpires int64  `json:"ae,omitempty"`
	Expires       int64  `json:"e"`
}

func (h *handler) addPDSSignInRoutes() {
	h.routes[routePDSLogin] = map[string]routeFunc{http.MethodPost: h.postPDSLogin}
	h.routes[routePDSCallback] = map[string]routeFunc{http.MethodGet: h.getPDSCallback}
	h.routes[routePDSLogout] = map[string]routeFunc{http.MethodPost: h.postPDSLogout}
}

func (h *handler) postPDSLogin(w http.ResponseWriter, r *http.Request) error {
	id, err := h.authenticate(r)
	if err != nil {
		return err
	}
	var returnTo string
	if err := readBody(w, r, false, map[string]*string{"returnTo": &returnTo}); err != nil {
		return err
	}
	if err := h.checkReturnTo(returnTo); err != nil {
		return err
	}
	var nonce [16]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return err
	}
	st := pdsState{State: hex.EncodeToString(nonce[:]), Subject: id.Subject, ReturnTo: returnTo,
		Expires: h.cfg.Now().Add(pdsStateLife).Unix()}
	sealed, err := h.tickets.sealValue(pdsSealPrefix, pdsStateAAD, &st)
	if err != nil {
		return err
	}
	h.setCookie(w, r, pdsStateCookie, sealed, "/v1/pds/", pdsStateLife)
	c := &sharedpds.Client{BaseURL: h.cfg.PDS.APIBase}
	writeJSON(w, http.StatusOK, map[string]string{
		"authorizeUrl": c.AuthorizeURL(h.cfg.PDS.ClientID, h.cfg.PDS.RedirectURI, st.State)})
	return nil
}

// checkReturnTo accepts only a page of an allowed origin: the callback redirects there, so
// anything else would make the function an open redirect.
func (h *handler) checkReturnTo(raw string) error {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || u.Scheme == "" || u.Host == "" || u.User != nil || u.Fragment != "" {
		return errInvalid("returnTo: the absolute URL of your page (no fragment)")
	}
	if !h.cors.allowed(u.Scheme + "://" + u.Host) {
		return errPolicy("returnTo: %s is not an allowed origin", clip(u.Scheme+"://"+u.Host))
	}
	return nil
}

func (h *handler) getPDSCallback(w http.ResponseWriter, r *http.Request) error {
	l := logOf(r.Context())
	q := r.URL.Query()
	var st pdsState
	ck, err := r.Cookie(pdsStateCookie)
	if err != nil {
		l.add(slog.String("signIn", "no state cookie"))
		return errForbidden("this sign-in was not started in this browser (or took over %v): start again", pdsStateLife)
	}
	if why, err := h.tickets.openValue(pdsSealPrefix, pdsStateAAD, ck.Value, &st); err != nil {
		l.add(slog.String("signIn", "state cookie "+why))
		return errForbidden("this sign-in's state is not valid: start again")
	}
	// Single use, whatever happens next.
	h.setCookie(w, r, pdsStateCookie, "", "/v1/pds/", -1)
	l.add(slog.String("userId", st.Subject))
	switch {
	case h.cfg.Now().Unix() >= st.Expires:
		l.add(slog.String("signIn", "state expired"))
		return errForbidden("this sign-in took over %v: start again", pdsStateLife)
	case subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(st.State)) != 1:
		l.add(slog.String("signIn", "state mismatch"))
		return errForbidden("this sign-in's state does not match the one this browser started: start again")
	}
	if e := q.Get("error"); e != "" || q.Get("code") == "" {
		l.add(slog.String("signIn", "refused at PDS: "+clip(e)))
		http.Redirect(w, r, st.ReturnTo+"#ferry-pds-signin=denied", http.StatusSeeOther)
		return nil
	}
	c := &sharedpds.Client{BaseURL: h.cfg.PDS.APIBase, HTTP: h.httpClient}
	tok, err := c.TokenByCode(r.Context(), h.cfg.PDS.ClientID, string(h.cfg.PDS.ClientSecret), q.Get("code"), h.cfg.PDS.RedirectURI)
	if err != nil {
		l.add(slog.String("signIn", "code refused: "+sharedpds.Code(err)))
		if s := sharedpds.Status(err); s >= 400 && s < 500 {
			return errForbidden("PDS refused this sign-in (%s): start again", sharedpds.Code(err))
		}
		return pdsUpstream("completing the sign-in", err)
	}
	now := h.cfg.Now()
	sess := pdsSession{Subject: st.Subject, User: tok.UserID, Drive: tok.DefaultDriveID, Refresh: tok.RefreshToken,
		Access: tok.AccessToken, AccessExpires: now.Add(time.Duration(tok.ExpiresIn) * time.Second).Unix(),
		Expires: now.Add(pdsSessionLife).Unix()}
	if sess.Refresh == "" {
		return pdsUpstream("completing the sign-in", &sharedpds.Error{Status: 200, Code: sharedpds.CodeUnexpectedResponse,
			Message: "no refresh token"})
	}
	if err := h.setPDSSession(w, r, &sess); err != nil {
		return err
	}
	l.add(slog.String("signIn", "done"), slog.String("pdsUser", tok.UserID))
	http.Redirect(w, r, st.ReturnTo+"#ferry-pds-signin=ok", http.StatusSeeOther)
	return nil
}

func (h *handler) postPDSLogout(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.authenticate(r); err != nil {
		return err
	}
	h.setCookie(w, r, pdsCookie, "", "/v1/", -1)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *handler) setPDSSession(w http.ResponseWriter, r *http.Request, s *pdsSession) error {
	sealed, err := h.tickets.sealValue(pdsSealPrefix, pdsSessionAAD, s)
	if err != nil {
		return err
	}
	h.setCookie(w, r, pdsCookie, sealed, "/v1/", time.Until(time.Unix(s.Expires, 0)))
	return nil
}

// pdsSessionOf opens the caller's PDS session cookie for the brokered routes: nil when
// there is none (the provider answers that a sign-in is needed); refused when altered,
// expired, or another sub's.
func (h *handler) pdsSessionOf(r *http.Request, subject string) (*provider.Session, *pdsSession, error) {
	l := logOf(r.Context())
	ck, err := r.Cookie(pdsCookie)
	if err != nil {
		return nil, nil, nil
	}
	var s pdsSession
	if why, err := h.tickets.openValue(pdsSealPrefix, pdsSessionAAD, ck.Value, &s); err != nil {
		l.add(slog.String("signIn", "session cookie "+why))
		return nil, nil, errForbidden("your PDS sign-in cookie is not valid: sign in again")
	}
	switch {
	case s.Subject != subject:
		l.add(slog.String("signIn", "session cookie of another caller"))
		return nil, nil, errForbidden("this PDS sign-in belongs to another user of this site: sign in again")
	case h.cfg.Now().Unix() >= s.Expires:
		return nil, nil, nil
	}
	return &provider.Session{User: s.User, Drive: s.Drive, RefreshToken: s.Refresh, AccessToken: s.Access,
		AccessExpires: time.Unix(s.AccessExpires, 0)}, &s, nil
}

// resealOnWrite arranges for a session the provider renewed to be sealed into the cookie
// again, just before the answer's headers go out.
func (h *handler) resealOnWrite(w http.ResponseWriter, r *http.Request, ps *provider.Session, s *pdsSession) {
	sw, ok := w.(*statusWriter)
	if !ok {
		return
	}
	sw.beforeHeader = append(sw.beforeHeader, func() {
		if !ps.Changed {
			return
		}
		s.Refresh, s.Access, s.AccessExpires, s.Drive = ps.RefreshToken, ps.AccessToken, ps.AccessExpires.Unix(), ps.Drive
		if err := h.setPDSSession(w, r, s); err != nil {
			logOf(r.Context()).add(slog.String("signIn", "could not seal the renewed session"))
		}
	})
}

// setCookie sets (maxAge > 0) or clears (maxAge < 0) an HttpOnly, SameSite=Lax cookie,
// Secure unless the request came over plain http in DevMode.
func (h *handler) setCookie(w http.ResponseWriter, r *http.Request, name, value, path string, maxAge time.Duration) {
	secure := !(h.cfg.DevMode && r.TLS == nil && r.Header.Get("X-Forwarded-Proto") != "https")
	c := &http.Cookie{Name: name, Value: value, Path: path, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
	if maxAge < 0 {
		c.MaxAge = -1
	} else {
		c.MaxAge = int(maxAge / time.Second)
	}
	http.SetCookie(w, c)
}

// withPDSSession puts the caller's PDS session (web sign-in) into c.
func (h *handler) withPDSSession(w http.ResponseWriter, r *http.Request, c *Caller) error {
	if h.cfg.Provider != ProviderPDS || !h.cfg.PDS.webSignIn() {
		return nil
	}
	ps, s, err := h.pdsSessionOf(r, c.Subject)
	if err != nil || ps == nil {
		return err
	}
	c.Session = ps
	h.resealOnWrite(w, r, ps, s)
	return nil
}

// pdsUpstream is a failure of PDS during the sign-in (502 UpstreamError, PDS's code beside).
func pdsUpstream(op string, err error) error {
	if code := sharedpds.Code(err); code != "" {
		return provider.Upstream(op, code, "PDS answered "+code, err)
	}
	return provider.Upstream(op, "", "PDS could not be reached", err)
}
