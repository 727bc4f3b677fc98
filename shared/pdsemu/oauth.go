package pdsemu

import (
	"crypto/subtle"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/ferry-upload/ferry/shared/emukit"
)

const grantJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// maxFormBody caps the token endpoint's form body.
const maxFormBody = 64 << 10

// tokenAnswer is the Token model's fields that matter to clients.
type tokenAnswer struct {
	AccessToken    string `json:"access_token"`
	RefreshToken   string `json:"refresh_token"`
	ExpiresIn      int64  `json:"expires_in"`
	ExpireTime     string `json:"expire_time"`
	TokenType      string `json:"token_type"`
	UserID         string `json:"user_id"`
	UserName       string `json:"user_name"`
	NickName       string `json:"nick_name"`
	DomainID       string `json:"domain_id"`
	DefaultDriveID string `json:"default_drive_id"`
	Role           string `json:"role"`
	Status         string `json:"status"`
}

// readForm reads the token endpoint's parameters: a form body only (PDS: "请求参数要放在
// body里"), each parameter at most once.
func readForm(c *emukit.Call) (url.Values, error) {
	r := c.Request()
	if r.URL.RawQuery != "" {
		return nil, ErrInvalidParameter.With("the token endpoint takes its parameters in the form body, not the query")
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, ErrInvalidParameter.With("the body must be application/x-www-form-urlencoded")
	}
	b, err := io.ReadAll(http.MaxBytesReader(nil, c.Body(), maxFormBody))
	if err != nil {
		return nil, ErrInvalidParameter.With("the form body is unreadable or larger than %d bytes", maxFormBody)
	}
	v, err := url.ParseQuery(string(b))
	if err != nil {
		return nil, ErrInvalidParameter.With("the form body is malformed")
	}
	for k, vals := range v {
		if len(vals) > 1 {
			return nil, ErrInvalidParameter.With("%s is given more than once", k)
		}
	}
	return v, nil
}

// token serves POST /v2/oauth/token for the three grants.
func (e *Emulator) token(c *emukit.Call) error {
	f, err := readForm(c)
	if err != nil {
		return err
	}
	var ans tokenAnswer
	switch gt := f.Get("grant_type"); gt {
	case "":
		return ErrInvalidParameterMissing.With("grant_type is required")
	case grantJWTBearer:
		ans, err = e.jwtGrant(f)
	case "authorization_code":
		ans, err = e.codeGrant(f)
	case "refresh_token":
		ans, err = e.refreshGrant(f)
	default:
		return ErrUnsupportedGrantType.With("grant_type %q is not one of authorization_code, refresh_token, %s", gt, grantJWTBearer)
	}
	if err != nil {
		return err
	}
	c.Writer().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, ans)
}

func required(f url.Values, names ...string) error {
	for _, n := range names {
		if f.Get(n) == "" {
			return ErrInvalidParameterMissing.With("%s is required", n)
		}
	}
	return nil
}

func (e *Emulator) jwtGrant(f url.Values) (tokenAnswer, error) {
	if err := required(f, "client_id", "assertion"); err != nil {
		return tokenAnswer{}, err
	}
	if f.Get("client_id") != e.cfg.jwtClient {
		return tokenAnswer{}, ErrInvalidClient.With("client %q is not a JWT app of this domain", f.Get("client_id"))
	}
	if e.cfg.jwtKey == nil {
		return tokenAnswer{}, ErrInvalidClient.With("the emulator was given no public key for %q", e.cfg.jwtClient)
	}
	now := e.now()
	a, err := verifyAssertion(f.Get("assertion"), e.cfg.jwtKey, e.cfg.jwtClient, e.cfg.domain, now)
	if err != nil {
		return tokenAnswer{}, err
	}
	var ans tokenAnswer
	err = e.kit.Update(func() error {
		for id, exp := range e.st.JTIs {
			if !now.Before(exp) {
				delete(e.st.JTIs, id)
			}
		}
		if _, seen := e.st.JTIs[a.JTI]; seen {
			return ErrInvalidGrant.With("the assertion's jti was used before (replay)")
		}
		u := e.st.Users[a.User]
		if u == nil && !a.AutoCreate {
			return ErrUserNotFound.With("no user %q in domain %q (set auto_create to create it)", a.User, e.cfg.domain)
		}
		e.st.JTIs[a.JTI] = a.Expiry
		if u == nil {
			u = e.ensureUserLocked(a.User)
		}
		ans = e.issueLocked(u, e.cfg.jwtClient)
		return nil
	})
	return ans, err
}

// webClient checks the web app's client_id and client_secret.
func (e *Emulator) webClient(f url.Values) error {
	if f.Get("client_id") != e.cfg.webClient {
		return ErrInvalidClient.With("client %q is not a web app of this domain", f.Get("client_id"))
	}
	if subtle.ConstantTimeCompare([]byte(f.Get("client_secret")), []byte(e.cfg.webSecret)) != 1 {
		return ErrInvalidClient.With("wrong client_secret")
	}
	return nil
}

func (e *Emulator) codeGrant(f url.Values) (tokenAnswer, error) {
	if err := required(f, "client_id", "code", "redirect_uri"); err != nil {
		return tokenAnswer{}, err
	}
	if err := e.webClient(f); err != nil {
		return tokenAnswer{}, err
	}
	var ans tokenAnswer
	err := e.kit.Update(func() error {
		now := e.now()
		e.pruneCodesLocked(now)
		code := f.Get("code")
		ac := e.st.Codes[code]
		delete(e.st.Codes, code) // single use: gone once presented, whatever the outcome
		switch {
		case ac == nil || !now.Before(ac.Expiry):
			return ErrInvalidGrant.With("the code is unknown, used or expired")
		case ac.Client != f.Get("client_id"):
			return ErrInvalidGrant.With("the code was issued to another client")
		case ac.Redirect != f.Get("redirect_uri"):
			return ErrInvalidGrant.With("redirect_uri differs from the authorize request's")
		}
		u := e.st.Users[ac.User]
		if u == nil {
			return ErrUserNotFound
		}
		ans = e.issueLocked(u, ac.Client)
		return nil
	})
	return ans, err
}

func (e *Emulator) pruneCodesLocked(now time.Time) {
	for k, ac := range e.st.Codes {
		if !now.Before(ac.Expiry) {
			delete(e.st.Codes, k)
		}
	}
}

// refreshGrant rotates: the refresh token presented is spent, the answer carries a new
// one (and a new access token); a spent refresh token is refused.
func (e *Emulator) refreshGrant(f url.Values) (tokenAnswer, error) {
	if err := required(f, "client_id", "refresh_token"); err != nil {
		return tokenAnswer{}, err
	}
	client := f.Get("client_id")
	switch client {
	case e.cfg.webClient:
		if err := e.webClient(f); err != nil {
			return tokenAnswer{}, err
		}
	case e.cfg.jwtClient:
		if f.Get("client_secret") != "" {
			return tokenAnswer{}, ErrInvalidClient.With("a JWT app has no client_secret")
		}
	default:
		return tokenAnswer{}, ErrInvalidClient.With("unknown client %q", client)
	}
	var ans tokenAnswer
	err := e.kit.Update(func() error {
		now := e.now()
		rt := e.st.Refresh[f.Get("refresh_token")]
		delete(e.st.Refresh, f.Get("refresh_token"))
		switch {
		case rt == nil || !now.Before(rt.Expiry):
			return ErrInvalidGrant.With("the refresh token is unknown, spent or expired")
		case rt.Client != client:
			return ErrInvalidGrant.With("the refresh token was issued to another client")
		}
		u := e.st.Users[rt.User]
		if u == nil {
			return ErrUserNotFound
		}
		ans = e.issueLocked(u, client)
		return nil
	})
	return ans, err
}

// issueLocked mints an access token (its life capped by the expireTokenAfter fault) and a
// refresh token for u.
func (e *Emulator) issueLocked(u *user, client string) tokenAnswer {
	now := e.now()
	ttl := e.cfg.tokenTTL
	if d := time.Duration(e.kit.Faults().ExpireTokenAfter); d > 0 && d < ttl {
		ttl = d
	}
	at, rt := emukit.RandomHex(32), emukit.RandomHex(32)
	e.st.Tokens[at] = &accessToken{User: u.ID, Client: client, Expiry: now.Add(ttl)}
	e.st.Refresh[rt] = &refreshToken{User: u.ID, Client: client, Expiry: now.Add(RefreshTokenTTL)}
	// Keep the state small: expired tokens answer as unknown ones.
	for k, t := range e.st.Tokens {
		if !now.Before(t.Expiry) {
			delete(e.st.Tokens, k)
		}
	}
	for k, t := range e.st.Refresh {
		if !now.Before(t.Expiry) {
			delete(e.st.Refresh, k)
		}
	}
	return tokenAnswer{AccessToken: at, RefreshToken: rt, ExpiresIn: int64((ttl + time.Second - 1) / time.Second),
		ExpireTime: now.Add(ttl).UTC().Format("2006-01-02T15:04:05.000Z"), TokenType: "Bearer", UserID: u.ID,
		UserName: u.ID, NickName: u.ID, DomainID: e.cfg.domain, DefaultDriveID: u.Drive, Role: "user", Status: "enabled"}
}

// ensureUserLocked returns user id, creating it with its default drive.
func (e *Emulator) ensureUserLocked(id string) *user {
	if u := e.st.Users[id]; u != nil {
		return u
	}
	e.st.DriveSerial++
	d := &drive{ID: uitoa(e.st.DriveSerial), Owner: id, Files: map[string]*file{}}
	u := &user{ID: id, Drive: d.ID, Created: e.now()}
	e.st.Drives[d.ID], e.st.Users[id] = d, u
	return u
}
