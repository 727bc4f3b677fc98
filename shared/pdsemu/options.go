package pdsemu

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Dev defaults (interfaces.md §5.4).
const (
	DevDomainID        = "pdsdev"
	DevJWTClientID     = "ferry-dev-app"
	DevWebClientID     = "ferry-dev-web"
	DevWebClientSecret = "pdsdevsecret"
	// DevUser is the user the dev authorize page signs in when the request names none
	// (login_hint).
	DevUser = "dev-user"
)

// Lifetimes the emulator gives what it issues.
const (
	DefaultAccessTokenTTL = 2 * time.Hour
	RefreshTokenTTL       = 30 * 24 * time.Hour
	AuthCodeTTL           = 60 * time.Second
	// UploadURLTTL is how long a presigned part URL is valid (the expireUploadAfter fault
	// shortens it).
	UploadURLTTL = 15 * time.Minute
	// MaxAssertionLife bounds exp − now of a JWT-bearer assertion; ClockSkew is how far in
	// the future iat and nbf may be.
	MaxAssertionLife = 10 * time.Minute
	ClockSkew        = time.Minute
	// DefaultMinPartSize is OSS's smallest part but the last (100 KiB).
	DefaultMinPartSize = 100 << 10
)

// Options configures an Emulator. The zero value is the dev domain in memory, with the
// JWT-bearer grant refused until a public key is given.
type Options struct {
	DomainID string // "" = DevDomainID

	// JWTClientID is the JWT app whose assertions the emulator verifies ("" =
	// DevJWTClientID) against JWTPublicKey, or else JWTPublicKeyPEM (PKIX "PUBLIC KEY" or
	// PKCS#1 "RSA PUBLIC KEY"). With neither, every assertion is refused.
	JWTClientID     string
	JWTPublicKey    *rsa.PublicKey
	JWTPublicKeyPEM []byte

	// The web-server app of the authorization-code grant ("" = the dev app). Its
	// registered redirect URIs are every loopback http URL.
	WebClientID     string
	WebClientSecret string

	// AccessTokenTTL is the life of access tokens (0 = DefaultAccessTokenTTL); the kit's
	// expireTokenAfter fault caps it.
	AccessTokenTTL time.Duration
	// MinPartSize is the least size of every part but the last at complete (0 =
	// DefaultMinPartSize; negative = no minimum).
	MinPartSize int64

	// DataDir keeps the state on disk so that it survives a restart; "" keeps it in memory.
	DataDir string
	// Now is the clock of every expiry; nil means time.Now.
	Now func() time.Time
	// Logger receives one line per request; nil discards. Tokens are never logged.
	Logger *slog.Logger
}

// config is Options with the defaults applied and the key parsed.
type config struct {
	domain      string
	jwtClient   string
	jwtKey      *rsa.PublicKey
	webClient   string
	webSecret   string
	tokenTTL    time.Duration
	minPartSize int64
}

func (o Options) config() (config, error) {
	c := config{domain: o.DomainID, jwtClient: o.JWTClientID, jwtKey: o.JWTPublicKey, webClient: o.WebClientID,
		webSecret: o.WebClientSecret, tokenTTL: o.AccessTokenTTL, minPartSize: o.MinPartSize}
	if c.domain == "" {
		c.domain = DevDomainID
	}
	if c.jwtClient == "" {
		c.jwtClient = DevJWTClientID
	}
	if c.webClient == "" {
		c.webClient, c.webSecret = DevWebClientID, DevWebClientSecret
	}
	if c.webSecret == "" {
		return c, errors.New("pdsemu: the web app needs a secret")
	}
	if c.webClient == c.jwtClient {
		return c, errors.New("pdsemu: the JWT app and the web app need different client ids")
	}
	if c.tokenTTL <= 0 {
		c.tokenTTL = DefaultAccessTokenTTL
	}
	switch {
	case c.minPartSize == 0:
		c.minPartSize = DefaultMinPartSize
	case c.minPartSize < 0:
		c.minPartSize = 0
	}
	if c.jwtKey == nil && len(o.JWTPublicKeyPEM) > 0 {
		k, err := ParsePublicKeyPEM(o.JWTPublicKeyPEM)
		if err != nil {
			return c, err
		}
		c.jwtKey = k
	}
	if c.jwtKey != nil && c.jwtKey.N.BitLen() < 2048 {
		return c, fmt.Errorf("pdsemu: the JWT public key has %d bits; RS256 needs at least 2048", c.jwtKey.N.BitLen())
	}
	return c, nil
}

// ParsePublicKeyPEM reads an RSA public key in PEM: PKIX ("PUBLIC KEY") or PKCS#1 ("RSA
// PUBLIC KEY").
func ParsePublicKeyPEM(b []byte) (*rsa.PublicKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("pdsemu: no PEM block in the public key")
	}
	switch blk.Type {
	case "RSA PUBLIC KEY":
		return x509.ParsePKCS1PublicKey(blk.Bytes)
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("pdsemu: public key: %w", err)
		}
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("pdsemu: the public key is a %T, not RSA", k)
		}
		return rk, nil
	}
	return nil, fmt.Errorf("pdsemu: PEM block %q is not a public key", blk.Type)
}
