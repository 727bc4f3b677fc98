package smhemu

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// Token periods in seconds: the default, and the bounds a period is clamped to.
const (
	DefaultPeriod = 86400
	MinPeriod     = 300
	MaxPeriod     = 315360000
)

// parsePeriod reads the period parameter: a positive integer clamped to
// [MinPeriod, MaxPeriod]; anything else (empty, 0, negative, not a number) is the default.
func parsePeriod(s string) int64 {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return DefaultPeriod
	}
	s = strings.TrimLeft(s, "0")
	switch {
	case s == "":
		return DefaultPeriod
	case len(s) > 10:
		return MaxPeriod
	}
	n, _ := strconv.ParseInt(s, 10, 64)
	return min(max(n, MinPeriod), MaxPeriod)
}

// splitList splits a comma list, trimming items and dropping empty and repeated ones.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

type tokenAnswer struct {
	AccessToken string `json:"accessToken"`
	ExpiresIn   int64  `json:"expiresIn"`
}

func (t *token) answer(now time.Time) tokenAnswer {
	return tokenAnswer{AccessToken: t.Value, ExpiresIn: int64(t.Expiry.Sub(now).Round(time.Second) / time.Second)}
}

// checkSecret authenticates a library by id and secret (token create, delete by user).
func (e *Emulator) checkSecret(libID, secret string) (Library, error) {
	switch {
	case libID == "" && secret == "":
		return Library{}, ErrEmptyLibraryIDOrSecret
	case libID == "":
		return Library{}, ErrEmptyLibraryID
	case secret == "":
		return Library{}, ErrEmptyLibrarySecret
	}
	l, ok := e.libs[libID]
	if !ok || subtle.ConstantTimeCompare([]byte(secret), []byte(l.Secret)) != 1 {
		return Library{}, ErrWrongLibraryIDOrSecret
	}
	return l, nil
}

// tokenCreate serves GET and POST /api/v1/token.
func (e *Emulator) tokenCreate(c *call) error {
	q := c.rt.query
	lib, err := e.checkSecret(q.Get("library_id"), q.Get("library_secret"))
	if err != nil {
		return err
	}
	grants, err := parseGrants(q.Get("grant"))
	if err != nil {
		return err
	}
	var body struct {
		AttachInfo json.RawMessage `json:"attachInfo"`
	}
	if c.r.Method == http.MethodPost {
		if _, err := c.readJSON(&body, false); err != nil {
			return err
		}
	}
	req := TokenRequest{
		Spaces: splitList(q.Get("space_id")), UserID: q.Get("user_id"), ClientID: q.Get("client_id"),
		SessionID: q.Get("session_id"), Grants: grants, Period: parsePeriod(q.Get("period")),
	}
	var ans tokenAnswer
	err = e.kit.UpdateEntries(func() error {
		t, err := e.issueLocked(lib, req)
		if err != nil {
			return err
		}
		t.AttachInfo = body.AttachInfo
		ans = t.answer(e.now())
		e.log.Info("token issued", "library", lib.ID, "token", emukit.Redact(t.Value), "grants", strings.Join(grants, ","), "spaces", strings.Join(req.Spaces, ","))
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, ans)
}

// issueLocked validates a token request against the library and stores the new token.
func (e *Emulator) issueLocked(lib Library, req TokenRequest) (*token, error) {
	if lib.MultiTenant {
		if len(req.Spaces) == 0 && !slices.ContainsFunc(req.Grants, func(g string) bool {
			return g == "admin" || g == "create_space" || g == "delete_space"
		}) {
			return nil, ErrEmptySpaceID.With("library %q is multi-tenant: space_id is required unless the grant includes admin, create_space or delete_space", lib.ID)
		}
		for _, s := range req.Spaces {
			if e.st.Libraries[lib.ID].Spaces[s] == nil {
				return nil, ErrSpaceNotFound.With("no space %q in library %q", s, lib.ID)
			}
		}
	} else {
		for _, s := range req.Spaces {
			if s != "-" {
				return nil, ErrNotMultiSpaceLibrary
			}
		}
		req.Spaces = nil
	}
	now := e.now()
	e.pruneTokensLocked(now)
	t := &token{
		Value: newAccessToken(), Library: lib.ID, Spaces: req.Spaces, UserID: req.UserID,
		ClientID: req.ClientID, SessionID: req.SessionID, Grants: req.Grants, Period: req.Period, Created: now,
	}
	if d := e.kit.Faults().ExpireTokenAfter; d > 0 {
		t.HardExpiry = now.Add(time.Duration(d))
	}
	t.extend(now)
	e.st.Tokens[t.Value] = t
	e.touchTokenLocked(t.Value, t)
	return t, nil
}

func (e *Emulator) pruneTokensLocked(now time.Time) {
	for v, t := range e.st.Tokens {
		if !now.Before(t.Expiry) {
			delete(e.st.Tokens, v)
			e.touchTokenLocked(v, nil)
		}
	}
}

// tokenRenew serves POST /api/v1/token/{lib}/{token}: the same period again from now.
func (e *Emulator) tokenRenew(c *call) error {
	var ans tokenAnswer
	err := e.kit.UpdateEntries(func() error {
		t, err := e.namedTokenLocked(c)
		if err != nil {
			return err
		}
		t.extend(e.now())
		e.touchTokenLocked(t.Value, t)
		ans = t.answer(e.now())
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, ans)
}

// tokenDelete serves DELETE /api/v1/token/{lib}/{token}; no secret needed.
func (e *Emulator) tokenDelete(c *call) error {
	err := e.kit.UpdateEntries(func() error {
		t, err := e.namedTokenLocked(c)
		if err != nil {
			return err
		}
		delete(e.st.Tokens, t.Value)
		e.touchTokenLocked(t.Value, nil)
		return nil
	})
	if err != nil {
		return err
	}
	return c.empty(http.StatusNoContent)
}

func (e *Emulator) namedTokenLocked(c *call) (*token, error) {
	if _, ok := e.libs[c.rt.lib]; !ok {
		return nil, ErrLibraryNotFound.With("no library %q", c.rt.lib)
	}
	t := e.validToken(c.rt.key, e.now())
	if t == nil || t.Library != c.rt.lib {
		return nil, ErrInvalidAccessToken
	}
	return t, nil
}

// tokenDeleteByUser serves DELETE /api/v1/token/{lib}?library_secret=&user_id=&client_id=
// &session_id=: every token of the listed users, narrowed (AND) by the client and session
// lists when given.
func (e *Emulator) tokenDeleteByUser(c *call) error {
	q := c.rt.query
	if _, ok := e.libs[c.rt.lib]; !ok {
		return ErrLibraryNotFound.With("no library %q", c.rt.lib)
	}
	if _, err := e.checkSecret(c.rt.lib, q.Get("library_secret")); err != nil {
		return err
	}
	users, clients, sessions := splitList(q.Get("user_id")), splitList(q.Get("client_id")), splitList(q.Get("session_id"))
	switch {
	case len(users) == 0:
		return ErrInvalidParameter.With("user_id is required")
	case len(users) > 10:
		return ErrInvalidParameter.With("at most 10 user_id values")
	case len(clients) > 100 || len(sessions) > 100:
		return ErrInvalidParameter.With("at most 100 client_id and 100 session_id values")
	}
	err := e.kit.Update(func() error {
		for v, t := range e.st.Tokens {
			if t.Library == c.rt.lib && slices.Contains(users, t.UserID) &&
				(len(clients) == 0 || slices.Contains(clients, t.ClientID)) &&
				(len(sessions) == 0 || slices.Contains(sessions, t.SessionID)) {
				delete(e.st.Tokens, v)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.empty(http.StatusNoContent)
}
