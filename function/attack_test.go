package function_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ferry-upload/ferry/function"
)

var keys = sync.OnceValues(func() (*rsa.PrivateKey, *ecdsa.PrivateKey) {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return rk, ek
})

func b64u(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// jwksServer serves the suite's RSA ("rsa1") and EC ("ec1") public keys and counts fetches.
func jwksServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	rk, ek := keys()
	set := map[string]any{"keys": []map[string]string{
		{"kty": "RSA", "kid": "rsa1", "use": "sig", "alg": "RS256", "n": b64u(rk.N.Bytes()), "e": b64u(big.NewInt(int64(rk.E)).Bytes())},
		{"kty": "EC", "kid": "ec1", "crv": "P-256", "x": b64u(ek.X.FillBytes(make([]byte, 32))), "y": b64u(ek.Y.FillBytes(make([]byte, 32)))},
		{"kty": "oct", "kid": "hmac1", "k": b64u([]byte(hsSecret))},
	}}
	var n atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(ts.Close)
	return ts, &n
}

func sign(t testing.TB, m jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func claims(kv ...any) jwt.MapClaims {
	c := jwt.MapClaims{"sub": "alice", "role": "uploader", "exp": time.Now().Add(time.Hour).Unix()}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(c, kv[i].(string))
		} else {
			c[kv[i].(string)] = kv[i+1]
		}
	}
	return c
}

func rsaPublicPEM() []byte {
	rk, _ := keys()
	der, _ := x509.MarshalPKIXPublicKey(&rk.PublicKey)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

type attack struct {
	name   string
	auth   string
	method string
	path   string
	body   string
	hdr    []string
	status int
	code   string
}

// TestAttacks: each request is refused with its documented code and carries no token;
// HS256 configuration.
func TestAttacks(t *testing.T) {
	rk, ek := keys()
	now := time.Now()
	hs := func(c jwt.MapClaims) string {
		return "Bearer " + sign(t, jwt.SigningMethodHS256, []byte(hsSecret), "", c)
	}
	none := "Bearer " + sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "", claims())
	tok := func(b string) attack {
		return attack{method: "POST", path: "/v1/token", body: b, status: 401, code: "Unauthenticated"}
	}
	with := func(a attack, name, auth string) attack { a.name, a.auth = name, auth; return a }
	good := hs(claims())
	dir := func(name, p string) attack {
		return attack{name: "directory " + name, auth: good, method: "POST", path: "/v1/directory", body: `{"path":` + jsonString(p) + `}`, status: 403, code: "PolicyViolation"}
	}
	attacks := []attack{
		with(tok(""), "alg none", none),
		with(tok(""), "alg none, no signature part", "Bearer "+strings.TrimSuffix(none, ".")),
		with(tok(""), "wrong key", "Bearer "+sign(t, jwt.SigningMethodHS256, []byte("another-secret-of-at-least-32-bytes!!"), "", claims())),
		with(tok(""), "HS384 with the right secret", "Bearer "+sign(t, jwt.SigningMethodHS384, []byte(hsSecret), "", claims())),
		with(tok(""), "RS256 when HS256 is configured", "Bearer "+sign(t, jwt.SigningMethodRS256, rk, "rsa1", claims())),
		with(tok(""), "ES256 when HS256 is configured", "Bearer "+sign(t, jwt.SigningMethodES256, ek, "ec1", claims())),
		with(tok(""), "expired", hs(claims("exp", now.Add(-2*time.Minute).Unix()))),
		with(tok(""), "no exp", hs(claims("exp", nil))),
		with(tok(""), "nbf in the future", hs(claims("nbf", now.Add(5*time.Minute).Unix()))),
		with(tok(""), "missing sub", hs(claims("sub", nil))),
		with(tok(""), "empty sub", hs(claims("sub", ""))),
		with(tok(""), "tampered payload", tamperPayload(good)),
		with(tok(""), "garbage", "Bearer not.a.jwt"),
		with(tok(""), "basic auth", "Basic YWxpY2U6cHc="),
		with(tok(""), "bearer without token", "Bearer "),
		with(tok(""), "oversized JWT", "Bearer "+strings.Repeat("a", 9000)),
		{name: "role not in policy", auth: hs(claims("role", "admin")), method: "POST", path: "/v1/token", status: 403, code: "Forbidden"},
		{name: "no role", auth: hs(claims("role", nil)), method: "POST", path: "/v1/token", status: 403, code: "Forbidden"},
		{name: "sub with traversal", auth: hs(claims("sub", "../bob")), method: "POST", path: "/v1/token", status: 403, code: "Forbidden"},
		{name: "sub with comma", auth: hs(claims("sub", "alice,bob")), method: "DELETE", path: "/v1/token", status: 403, code: "Forbidden"},
		{name: "disallowed origin", auth: good, method: "POST", path: "/v1/token", hdr: []string{"Origin", "https://app.example.com.evil.net"}, status: 403, code: "OriginNotAllowed"},
		{name: "null origin", auth: good, method: "POST", path: "/v1/token", hdr: []string{"Origin", "null"}, status: 403, code: "OriginNotAllowed"},
		{name: "grants in body", auth: good, method: "POST", path: "/v1/token", body: `{"grants":["admin"]}`, status: 400, code: "InvalidRequest"},
		{name: "role in body", auth: good, method: "POST", path: "/v1/token", body: `{"role":"admin"}`, status: 400, code: "InvalidRequest"},
		{name: "case-folded field", auth: good, method: "POST", path: "/v1/token", body: `{"SpaceID":"space1"}`, status: 400, code: "InvalidRequest"},
		{name: "duplicate field", auth: good, method: "POST", path: "/v1/token", body: `{"spaceId":"-","spaceId":"space1"}`, status: 400, code: "InvalidRequest"},
		{name: "grant in query", auth: good, method: "POST", path: "/v1/token?grant=admin", status: 400, code: "InvalidRequest"},
		{name: "space in query", auth: good, method: "POST", path: "/v1/token?space_id=space1", status: 400, code: "InvalidRequest"},
		{name: "foreign space", auth: good, method: "POST", path: "/v1/token", body: `{"spaceId":"space1"}`, status: 403, code: "Forbidden"},
		{name: "space id injection", auth: good, method: "POST", path: "/v1/token", body: `{"spaceId":"-&grant=admin"}`, status: 400, code: "InvalidRequest"},
		{name: "client id injection", auth: good, method: "POST", path: "/v1/token", body: `{"clientId":"a,b"}`, status: 400, code: "InvalidRequest"},
		{name: "oversized body", auth: good, method: "POST", path: "/v1/token", body: `{"clientId":"` + strings.Repeat("a", 20000) + `"}`, status: 413, code: "InvalidRequest"},
		{name: "wrong content type", auth: good, method: "POST", path: "/v1/token", body: `{}`, hdr: []string{"Content-Type", "application/x-www-form-urlencoded"}, status: 415, code: "InvalidRequest"},
		{name: "json with other charset", auth: good, method: "POST", path: "/v1/token", body: `{}`, hdr: []string{"Content-Type", "application/json; charset=latin1"}, status: 415, code: "InvalidRequest"},
		{name: "malformed JSON", auth: good, method: "POST", path: "/v1/token", body: `{"clientId":"x"`, status: 400, code: "InvalidRequest"},
		{name: "JSON array", auth: good, method: "POST", path: "/v1/token", body: `[]`, status: 400, code: "InvalidRequest"},
		{name: "trailing data", auth: good, method: "POST", path: "/v1/token", body: `{} {}`, status: 400, code: "InvalidRequest"},
		{name: "number for string", auth: good, method: "POST", path: "/v1/token", body: `{"clientId":1}`, status: 400, code: "InvalidRequest"},
		{name: "confirm key traversal", auth: good, method: "POST", path: "/v1/confirm", body: `{"confirmKey":"../../directory/smhdev/-/x"}`, status: 400, code: "InvalidRequest"},
		{name: "confirm key encoded", auth: good, method: "POST", path: "/v1/confirm", body: `{"confirmKey":"%2e%2e"}`, status: 400, code: "InvalidRequest"},
		{name: "confirm foreign space", auth: good, method: "POST", path: "/v1/confirm", body: `{"confirmKey":"abc","spaceId":"space1"}`, status: 403, code: "Forbidden"},
		dir("outside", "/users/bob"),
		dir("parent of prefix", "/users"),
		dir("root", "/"),
		dir("dot-dot", "/users/alice/../bob"),
		dir("dot", "/users/alice/./x"),
		dir("empty segment", "/users//alice/x"),
		dir("encoded dot-dot", "/users/alice/%2e%2e/bob"),
		dir("encoded upper", "/users/alice/%2E%2E/bob"),
		dir("double-encoded", "/users/alice/%252e%252e/bob"),
		dir("encoded slash", "/users/alice%2f..%2fbob"),
		dir("backslash", `/users/alice\..\bob`),
		dir("NUL", "/users/alice/x\x00"),
		dir("division slash", "/users/alice\u2215..\u2215bob"),
		dir("fullwidth solidus", "/users/alice\uff0f..\uff0fbob"),
		dir("one dot leader", "/users/alice/\u2024\u2024/bob"),
		dir("fullwidth full stop", "/users/alice/\uff0e\uff0e/bob"),
		dir("zero-width", "/users/alice/..\u200b/bob"),
		dir("bidi override", "/users/alice/\u202ex"),
		{name: "directory foreign space", auth: good, method: "POST", path: "/v1/directory", body: `{"path":"/users/alice/x","spaceId":"space1"}`, status: 403, code: "Forbidden"},
	}
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			send := tr.make(t, e.h)
			for _, a := range attacks {
				t.Run(a.name, func(t *testing.T) {
					ans := serve(t, send, a.method, a.path, a.auth, a.body, a.hdr...)
					if ans.Status != a.status || ans.code() != a.code {
						t.Fatalf("%d %s, want %d %s", ans.Status, ans.Body, a.status, a.code)
					}
					checkErrorShape(t, a.name, ans)
				})
			}
			if n := len(e.files()); n != 0 {
				t.Fatalf("%d files", n)
			}
		})
	}
}

// TestAttacksJWKS: RS256/ES256 configuration, with issuer and audience pinned.
func TestAttacksJWKS(t *testing.T) {
	t.Parallel()
	rk, ek := keys()
	ts, fetches := jwksServer(t)
	var mu sync.Mutex
	clock := time.Now()
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	e := newEnv(t, withConfig(func(c *function.Config) {
		c.Auth = function.AuthConfig{JWKSURL: ts.URL, Issuer: "https://idp.example.com", Audience: "ferry"}
		c.Now = now
	}))
	ok := func(kv ...any) jwt.MapClaims {
		return claims(append([]any{"iss", "https://idp.example.com", "aud", "ferry"}, kv...)...)
	}
	for _, c := range []struct {
		name   string
		auth   string
		status int
	}{
		{"RS256", "Bearer " + sign(t, jwt.SigningMethodRS256, rk, "rsa1", ok()), 200},
		{"ES256", "Bearer " + sign(t, jwt.SigningMethodES256, ek, "ec1", ok()), 200},
		{"audience list", "Bearer " + sign(t, jwt.SigningMethodRS256, rk, "rsa1", ok("aud", []string{"other", "ferry"})), 200},
		{"expired within leeway", "Bearer " + sign(t, jwt.SigningMethodRS256, rk, "rsa1", ok("exp", time.Now().Add(-10*time.Second).Unix())), 200},
		{"HS256 signed with the RSA public key (confusion)", "Bearer " + sign(t, jwt.SigningMethodHS256, rsaPublicPEM(), "rsa1", ok()), 401},
		{"HS256 with an oct key of the set", "Bearer " + sign(t, jwt.SigningMethodHS256, []byte(hsSecret), "hmac1", ok()), 401},
		{"RS256 header, EC kid", "Bearer " + sign(t, jwt.SigningMethodRS256, rk, "ec1", ok()), 401},
		{"ES256 header, RSA kid", "Bearer " + sign(t, jwt.SigningMethodES256, ek, "rsa1", ok()), 401},
		{"PS256", "Bearer " + sign(t, jwt.SigningMethodPS256, rk, "rsa1", ok()), 401},
		{"alg none", "Bearer " + sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "rsa1", ok()), 401},
		{"wrong issuer", "Bearer " + sign(t, jwt.SigningMethodRS256, rk, "rsa1", ok("iss", "https://evil.example.com")), 401},
		{"no issuer", "Bearer " + sign(t, jwt.SigningMethodRS256, rk, "rsa1", ok("iss", nil)), 401},
		{"wrong audience", "Bearer " + sign(t, jwt.SigningMethodRS256, rk, "rsa1", ok("aud", "other")), 401},
		{"no audience", "Bearer " + sign(t, jwt.SigningMethodRS256, rk, "rsa1", ok("aud", nil)), 401},
		{"advance", "", 0},
		{"unknown kid", "Bearer " + sign(t, jwt.SigningMethodRS256, rk, "rsa2", ok()), 401},
		{"another unknown kid", "Bearer " + sign(t, jwt.SigningMethodRS256, rk, "rsa3", ok()), 401},
		{"expired", "Bearer " + sign(t, jwt.SigningMethodRS256, rk, "rsa1", ok("exp", time.Now().Add(-time.Hour).Unix())), 401},
		{"missing sub", "Bearer " + sign(t, jwt.SigningMethodRS256, rk, "rsa1", ok("sub", nil)), 401},
	} {
		if c.name == "advance" {
			advance(31 * time.Second) // past the refetch interval
			continue
		}
		a := e.do("POST", "/v1/token", c.auth, "")
		if a.Status != c.status {
			t.Errorf("%s: %d %s", c.name, a.Status, a.Body)
		}
		if c.status != 200 && (a.code() != "Unauthenticated" || strings.Contains(string(a.Body), "accessToken")) {
			t.Errorf("%s: %s", c.name, a.Body)
		}
	}
	// One fetch at start; past the interval the first unknown kid refetches once; the next
	// unknown kid waits for the interval.
	if n := fetches.Load(); n != 2 {
		t.Errorf("%d JWKS fetches, want 2", n)
	}
}

func TestJWKSUnavailable(t *testing.T) {
	t.Parallel()
	rk, _ := keys()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer ts.Close()
	e := newEnv(t, withConfig(func(c *function.Config) {
		c.Auth = function.AuthConfig{JWKSURL: ts.URL, Issuer: matrixIssuer, Audience: matrixAudience}
	}))
	a := e.do("POST", "/v1/token", "Bearer "+sign(t, jwt.SigningMethodRS256, rk, "rsa1", claims()), "")
	if a.Status != 502 || a.code() != "UpstreamError" {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
}

func tamperPayload(authz string) string {
	parts := strings.Split(strings.TrimPrefix(authz, "Bearer "), ".")
	p, _ := base64.RawURLEncoding.DecodeString(parts[1])
	p = []byte(strings.Replace(string(p), `"alice"`, `"admin"`, 1))
	return "Bearer " + parts[0] + "." + base64.RawURLEncoding.EncodeToString(p) + "." + parts[2]
}

func jsonString(s string) string { b, _ := json.Marshal(s); return string(b) }
