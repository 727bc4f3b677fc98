package smhemu

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// accessToken returns the token of a request: the access_token query parameter or an
// Authorization: Bearer header (two different ones are refused).
func accessToken(r *http.Request, rt *route) (string, error) {
	q := rt.query.Get("access_token")
	h := ""
	if a := r.Header.Get("Authorization"); a != "" {
		if scheme, v, ok := strings.Cut(a, " "); ok && strings.EqualFold(scheme, "Bearer") {
			h = strings.TrimSpace(v)
		}
	}
	switch {
	case q != "" && h != "" && q != h:
		return "", ErrInvalidParameter.With("access_token and the Authorization header name different tokens")
	case q != "":
		return q, nil
	case h != "":
		return h, nil
	}
	return "", ErrEmptyAccessToken
}

// validToken finds a live token by value. An expired token is forgotten.
func (e *Emulator) validToken(value string, now time.Time) *token {
	t := e.st.Tokens[value]
	if t == nil {
		return nil
	}
	if !now.Before(t.Expiry) {
		delete(e.st.Tokens, value)
		e.touchTokenLocked(value, nil)
		return nil
	}
	return t
}

// extend slides a token's expiry to now + period (never past a fault's hard expiry).
func (t *token) extend(now time.Time) {
	exp := now.Add(time.Duration(t.Period) * time.Second)
	if !t.HardExpiry.IsZero() && t.HardExpiry.Before(exp) {
		exp = t.HardExpiry
	}
	t.Expiry = exp
}

// authLocked checks the library of the route and the request's token, and slides the
// token's expiry: every authenticated call renews it. The caller holds the state lock.
func (e *Emulator) authLocked(c *call) (*token, error) {
	if _, ok := e.libs[c.rt.lib]; !ok {
		return nil, ErrLibraryNotFound.With("no library %q", c.rt.lib)
	}
	v, err := accessToken(c.r, c.rt)
	if err != nil {
		return nil, err
	}
	now := e.now()
	t := e.validToken(v, now)
	if t == nil {
		return nil, ErrInvalidAccessToken
	}
	if t.Library != c.rt.lib {
		return nil, ErrInvalidAccessToken.With("the access token belongs to another library")
	}
	t.extend(now)
	e.touchTokenLocked(t.Value, t)
	return t, nil
}

// authSpaceLocked is authLocked plus the space of the route: "-" for a single-tenant
// library; for a multi-tenant one a space the token names (tokens without space_id reach
// every space) that exists.
func (e *Emulator) authSpaceLocked(c *call) (*token, *space, error) {
	t, err := e.authLocked(c)
	if err != nil {
		return nil, nil, err
	}
	sp, err := e.spaceFor(t, c.rt.lib, c.rt.space)
	return t, sp, err
}

func (e *Emulator) spaceFor(t *token, lib, spaceID string) (*space, error) {
	l := e.libs[lib]
	if !l.MultiTenant && spaceID != "-" {
		return nil, ErrSpaceNotFound.With("library %q is single-tenant: its only space is \"-\"", lib)
	}
	if t != nil && len(t.Spaces) > 0 && !slices.Contains(t.Spaces, spaceID) {
		return nil, ErrAccessTokenNotMatchSpace.With("the access token is for space %s", strings.Join(t.Spaces, ","))
	}
	sp := e.st.Libraries[lib].Spaces[spaceID]
	if sp == nil {
		return nil, ErrSpaceNotFound.With("no space %q in library %q", spaceID, lib)
	}
	return sp, nil
}
