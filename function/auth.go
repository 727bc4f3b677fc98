package function

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// Authentication modes (AUTH_MODE).
const (
	AuthJWT       = "jwt"
	AuthAnonymous = "anonymous" // development only: needs DEV_MODE
)

// AnonymousSubject is every caller's sub with AUTH_MODE=anonymous.
const AnonymousSubject = "dev-user"

// Identity is an authenticated caller: the JWT's sub and the values of its role and space
// claims (a claim may hold one string or a list).
type Identity struct {
	Subject string
	Roles   []string
	Spaces  []string
	// ViaCookie is set when the JWT came from a cookie rather than the Authorization header;
	// such requests must carry an allowed Origin (a cross-site request cannot forge one).
	ViaCookie bool
	// Expires is the JWT's exp; nothing the function mints for the caller outlives it (zero:
	// no JWT, as with AUTH_MODE=anonymous).
	Expires time.Time
}

type authenticator interface {
	authenticate(ctx context.Context, r *http.Request) (*Identity, error)
}

type anonymousAuth struct{}

func (anonymousAuth) authenticate(context.Context, *http.Request) (*Identity, error) {
	return &Identity{Subject: AnonymousSubject, Roles: []string{DefaultRoleName}}, nil
}

// maxJWTBytes bounds the bearer token before any parsing.
const maxJWTBytes = 8 << 10

// bearerToken takes the JWT from "Authorization: Bearer …" or, when cookie is set, from
// that cookie. An Authorization header of another scheme is refused, not ignored.
func bearerToken(r *http.Request, cookie string) (tok string, viaCookie bool, err error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, rest, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(rest) == "" {
			return "", false, errUnauthenticated("the Authorization header must be \"Bearer <JWT>\"")
		}
		tok = strings.TrimSpace(rest)
	} else if cookie != "" {
		cs := r.CookiesNamed(cookie)
		if len(cs) > 1 {
			// Which of two is the real one cannot be told: one may have been planted.
			return "", false, errUnauthenticated("the cookie %s was sent more than once", cookie)
		}
		if len(cs) == 1 && cs[0].Value != "" {
			tok, viaCookie = cs[0].Value, true
		}
	}
	if tok == "" {
		return "", false, errUnauthenticated("no credentials: send \"Authorization: Bearer <JWT>\" from the host application")
	}
	if len(tok) > maxJWTBytes {
		return "", false, errUnauthenticated("the bearer token is too long")
	}
	return tok, viaCookie, nil
}

// claimStrings reads a claim that is a string or a list of strings.
func claimStrings(v any) []string {
	switch t := v.(type) {
	case string:
		if t == "" {
			return nil
		}
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
