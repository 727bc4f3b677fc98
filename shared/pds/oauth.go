package pds

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"net/url"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// GrantJWTBearer is the grant_type of the JWT-bearer exchange (RFC 7523).
const GrantJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// MaxAssertionTTL is the longest life Ferry gives an assertion (the official SDK's choice).
const MaxAssertionTTL = 5 * time.Minute

// Assertion is what a JWT-bearer assertion says: the app (ClientID) acts for one user of
// the domain.
type Assertion struct {
	ClientID   string // iss
	UserID     string // sub, with sub_type user
	DomainID   string // aud
	AutoCreate bool   // create the user (and its default drive) when missing
	TTL        time.Duration
}

// SignAssertion signs a with the app's RSA key (RS256, PKCS#1 v1.5). The assertion is
// valid from now (iat) until now+TTL (exp, capped at MaxAssertionTTL) and carries a random
// jti, so PDS can refuse a replay.
func SignAssertion(key *rsa.PrivateKey, a Assertion, now time.Time) (string, error) {
	if key == nil || a.ClientID == "" || a.UserID == "" || a.DomainID == "" {
		return "", &Error{Code: CodeInvalidArgument, Message: "an assertion needs a key, a client id, a user id and a domain id"}
	}
	ttl := a.TTL
	if ttl <= 0 || ttl > MaxAssertionTTL {
		ttl = MaxAssertionTTL
	}
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return "", err
	}
	claims := jwt.MapClaims{
		"iss":         a.ClientID,
		"sub":         a.UserID,
		"sub_type":    "user",
		"aud":         a.DomainID,
		"jti":         hex.EncodeToString(id[:]),
		"iat":         now.Unix(),
		"exp":         now.Add(ttl).Unix(),
		"auto_create": a.AutoCreate,
	}
	return jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(key)
}

// Token is the token endpoint's answer (the fields Ferry uses of PDS's Token model).
type Token struct {
	AccessToken    string `json:"access_token"`
	RefreshToken   string `json:"refresh_token"`
	ExpiresIn      int64  `json:"expires_in"` // seconds
	TokenType      string `json:"token_type"`
	UserID         string `json:"user_id"`
	DomainID       string `json:"domain_id"`
	DefaultDriveID string `json:"default_drive_id"`
}

// String and GoString hide the tokens, so a Token printed by mistake leaks nothing.
func (t Token) String() string {
	return "pds.Token{user " + t.UserID + ", drive " + t.DefaultDriveID + "}"
}

func (t Token) GoString() string { return t.String() }

// TokenByAssertion exchanges a signed assertion for the user's access token.
func (c *Client) TokenByAssertion(ctx context.Context, clientID, assertion string) (*Token, error) {
	return c.token(ctx, "token (jwt-bearer)", url.Values{
		"grant_type": {GrantJWTBearer}, "client_id": {clientID}, "assertion": {assertion},
	})
}

// TokenByCode exchanges an authorization code (web-server sign-in); redirectURI must be
// the one the authorize request named.
func (c *Client) TokenByCode(ctx context.Context, clientID, clientSecret, code, redirectURI string) (*Token, error) {
	return c.token(ctx, "token (authorization code)", url.Values{
		"grant_type": {"authorization_code"}, "client_id": {clientID}, "client_secret": {clientSecret},
		"code": {code}, "redirect_uri": {redirectURI},
	})
}

// TokenByRefresh exchanges a refresh token for a new access token (and, where PDS rotates
// it, a new refresh token: keep the answer's when it has one).
func (c *Client) TokenByRefresh(ctx context.Context, clientID, clientSecret, refreshToken string) (*Token, error) {
	return c.token(ctx, "token (refresh)", url.Values{
		"grant_type": {"refresh_token"}, "client_id": {clientID}, "client_secret": {clientSecret},
		"refresh_token": {refreshToken},
	})
}

func (c *Client) token(ctx context.Context, op string, v url.Values) (*Token, error) {
	var t Token
	if err := c.form(ctx, op, "/v2/oauth/token", v, &t); err != nil {
		return nil, err
	}
	if t.AccessToken == "" || t.ExpiresIn <= 0 {
		return nil, &Error{Status: 200, Code: CodeUnexpectedResponse, Message: op + ": the answer has no access token or lifetime"}
	}
	return &t, nil
}

// AuthorizeURL is the address of PDS's sign-in page for the web-server flow: the user
// approves there and comes back to redirectURI with ?code=…&state=….
func (c *Client) AuthorizeURL(clientID, redirectURI, state string) string {
	return c.BaseURL + "/v2/oauth/authorize?" + url.Values{
		"client_id": {clientID}, "redirect_uri": {redirectURI}, "response_type": {"code"}, "state": {state},
	}.Encode()
}
