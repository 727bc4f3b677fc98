package pdsemu

import (
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// validUserID accepts the user ids the emulator takes from sub and login_hint: 1-128
// bytes of UTF-8 without whitespace, control characters or '/' (so "auth0|123" and
// e-mail addresses are fine).
func validUserID(s string) bool {
	if s == "" || len(s) > 128 || !utf8.ValidString(s) {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == '/' }) < 0
}

var errNoBearer = errors.New("no bearer")

// bearer reads "Authorization: Bearer <token>".
func bearer(r *http.Request) (string, error) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", errNoBearer
	}
	return tok, nil
}

// authLocked finds the live access token of a request.
func (e *Emulator) authLocked(r *http.Request) (*accessToken, error) {
	tok, err := bearer(r)
	if err != nil {
		return nil, ErrAccessTokenInvalid.With("Authorization: Bearer <access_token> is required")
	}
	t := e.st.Tokens[tok]
	if t == nil || !e.now().Before(t.Expiry) {
		return nil, ErrAccessTokenInvalid
	}
	return t, nil
}
