package function

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// DefaultLeeway is the clock skew allowed on exp and nbf.
const DefaultLeeway = 30 * time.Second

// jwtAuth verifies the host application's JWT. Algorithms are pinned by configuration:
// HS256 only with an HS256 secret, RS256/ES256 only with a JWKS, so neither "none" nor an
// HS/RS confusion (an RSA public key used as an HMAC secret) can pass.
type jwtAuth struct {
	cfg    AuthConfig
	secret []byte
	keys   *jwks
	now    func() time.Time
}

func (a *jwtAuth) methods() []string {
	if a.keys != nil {
		return []string{"RS256", "ES256"}
	}
	return []string{"HS256"}
}

func (a *jwtAuth) authenticate(ctx context.Context, r *http.Request) (*Identity, error) {
	raw, viaCookie, err := bearerToken(r, a.cfg.Cookie)
	if err != nil {
		return nil, err
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(a.methods()),
		jwt.WithLeeway(a.cfg.Leeway),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(a.now),
	}
	if a.cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(a.cfg.Issuer))
	}
	if a.cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(a.cfg.Audience))
	}
	claims := jwt.MapClaims{}
	_, err = jwt.NewParser(opts...).ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		return a.key(ctx, t)
	})
	if errors.Is(err, errJWKSUnavailable) {
		return nil, &Error{Code: CodeUpstreamError, Status: http.StatusBadGateway,
			Message: "the signing keys (AUTH_JWKS_URL) could not be fetched", Cause: err}
	}
	if err != nil {
		return nil, &Error{Code: CodeUnauthenticated, Status: http.StatusUnauthorized, Message: jwtReason(err), Cause: err}
	}
	sub, _ := claims.GetSubject()
	if sub == "" {
		return nil, errUnauthenticated("the token has no sub claim")
	}
	var expires time.Time
	if exp, _ := claims.GetExpirationTime(); exp != nil { // required above
		expires = exp.Time
	}
	return &Identity{
		Expires:   expires,
		Subject:   sub,
		Roles:     claimStrings(claims[a.cfg.RoleClaim]),
		Spaces:    claimStrings(claims[a.cfg.SpaceClaim]),
		ViaCookie: viaCookie,
	}, nil
}

// key returns the verification key for t, refusing any algorithm/key mismatch even though
// WithValidMethods already pins the algorithms.
func (a *jwtAuth) key(ctx context.Context, t *jwt.Token) (any, error) {
	switch t.Method {
	case jwt.SigningMethodHS256:
		if a.secret == nil {
			return nil, errAlgorithm
		}
		return a.secret, nil
	case jwt.SigningMethodRS256, jwt.SigningMethodES256:
		if a.keys == nil {
			return nil, errAlgorithm
		}
		kid, _ := t.Header["kid"].(string)
		k, err := a.keys.key(ctx, kid, t.Method.Alg())
		if err != nil {
			return nil, err
		}
		switch k.(type) {
		case *rsa.PublicKey:
			if t.Method != jwt.SigningMethodRS256 {
				return nil, errAlgorithm
			}
		case *ecdsa.PublicKey:
			if t.Method != jwt.SigningMethodES256 {
				return nil, errAlgorithm
			}
		default:
			return nil, errAlgorithm
		}
		return k, nil
	}
	return nil, errAlgorithm
}

var errAlgorithm = errors.New("algorithm not allowed for the configured key")

// jwtReason gives a short, safe reason for a refused JWT (never the token itself).
func jwtReason(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "invalid token: malformed"
	case errors.Is(err, jwt.ErrTokenExpired):
		return "invalid token: expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "invalid token: not valid yet"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return "invalid token: wrong issuer"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "invalid token: wrong audience"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return "invalid token: a required claim (exp) is missing"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return "invalid token: bad signature"
	case errors.Is(err, errUnknownKey):
		return "invalid token: unknown signing key"
	case errors.Is(err, jwt.ErrTokenUnverifiable), errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return "invalid token: algorithm or key not accepted"
	}
	return "invalid token"
}
