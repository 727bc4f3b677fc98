package pdsemu

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math"
	"strings"
	"time"
)

// assertion is what a verified JWT-bearer assertion grants.
type assertion struct {
	User       string
	JTI        string
	Expiry     time.Time
	AutoCreate bool
}

// verifyAssertion checks a JWT-bearer assertion (RS256, PKCS#1 v1.5 over
// b64url(header).b64url(payload), unpadded base64url): the signature under the app's key,
// then iss = the client, sub_type user with a sub, aud = the domain, exp in the future
// and at most MaxAssertionLife away, iat (required) and nbf (optional) not after
// now+ClockSkew, a jti. Every refusal is InvalidGrant with the reason.
func verifyAssertion(token string, key *rsa.PublicKey, clientID, domain string, now time.Time) (*assertion, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, ErrInvalidGrant.With("the assertion is not a JWS compact serialization (three parts)")
	}
	var raw [3][]byte
	for i, p := range parts {
		b, err := base64.RawURLEncoding.Strict().DecodeString(p)
		if err != nil || strings.ContainsAny(p, "\r\n") {
			return nil, ErrInvalidGrant.With("part %d of the assertion is not unpadded base64url", i+1)
		}
		raw[i] = b
	}
	var hdr struct {
		Alg  string `json:"alg"`
		Typ  string `json:"typ"`
		Crit []any  `json:"crit"`
	}
	if err := json.Unmarshal(raw[0], &hdr); err != nil {
		return nil, ErrInvalidGrant.With("the assertion header is not a JSON object")
	}
	if hdr.Alg != "RS256" {
		return nil, ErrInvalidGrant.With("the assertion must be signed with RS256, not %q", hdr.Alg)
	}
	if hdr.Typ != "" && !strings.EqualFold(hdr.Typ, "JWT") || hdr.Crit != nil {
		return nil, ErrInvalidGrant.With("the assertion header has an unsupported typ or crit")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], raw[2]); err != nil {
		return nil, ErrInvalidGrant.With("the assertion signature does not verify under the app's public key")
	}
	var cl struct {
		Iss        *string         `json:"iss"`
		Sub        *string         `json:"sub"`
		SubType    *string         `json:"sub_type"`
		Aud        json.RawMessage `json:"aud"`
		Exp        *float64        `json:"exp"`
		Iat        *float64        `json:"iat"`
		Nbf        *float64        `json:"nbf"`
		JTI        *string         `json:"jti"`
		AutoCreate *bool           `json:"auto_create"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw[1]))
	if err := dec.Decode(&cl); err != nil {
		return nil, ErrInvalidGrant.With("the assertion claims are not a JSON object of the expected types")
	}
	switch {
	case cl.Iss == nil || *cl.Iss != clientID:
		return nil, ErrInvalidGrant.With("iss must be the client_id")
	case cl.SubType == nil || *cl.SubType != "user":
		return nil, ErrInvalidGrant.With("sub_type must be \"user\" (service subjects are not emulated)")
	case cl.Sub == nil || !validUserID(*cl.Sub):
		return nil, ErrInvalidGrant.With("sub must be a user id (1-128 bytes, no spaces, control characters or '/')")
	case !audienceIs(cl.Aud, domain):
		return nil, ErrInvalidGrant.With("aud must be the domain id %q", domain)
	case cl.JTI == nil || *cl.JTI == "" || len(*cl.JTI) > 256:
		return nil, ErrInvalidGrant.With("jti is required (at most 256 characters)")
	case cl.Exp == nil || cl.Iat == nil:
		return nil, ErrInvalidGrant.With("exp and iat are required")
	}
	exp, iat := unixTime(*cl.Exp), unixTime(*cl.Iat)
	switch {
	case !now.Before(exp):
		return nil, ErrInvalidGrant.With("the assertion has expired")
	case exp.Sub(now) > MaxAssertionLife:
		return nil, ErrInvalidGrant.With("exp is more than %v away", MaxAssertionLife)
	case iat.After(now.Add(ClockSkew)):
		return nil, ErrInvalidGrant.With("iat is in the future")
	case !iat.Before(exp):
		return nil, ErrInvalidGrant.With("iat is not before exp")
	case cl.Nbf != nil && unixTime(*cl.Nbf).After(now.Add(ClockSkew)):
		return nil, ErrInvalidGrant.With("the assertion is not valid yet (nbf)")
	}
	a := &assertion{User: *cl.Sub, JTI: *cl.JTI, Expiry: exp}
	if cl.AutoCreate != nil {
		a.AutoCreate = *cl.AutoCreate
	}
	return a, nil
}

// audienceIs accepts aud as the domain id or an array holding it.
func audienceIs(raw json.RawMessage, domain string) bool {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one == domain
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		for _, a := range many {
			if a == domain {
				return true
			}
		}
	}
	return false
}

func unixTime(v float64) time.Time {
	if math.IsNaN(v) || v < 0 || v > 1e11 {
		return time.Time{}
	}
	sec, frac := math.Modf(v)
	return time.Unix(int64(sec), int64(frac*1e9))
}
