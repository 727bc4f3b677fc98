package function_test

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ferry-upload/ferry/function"
)

// idp is an identity provider's JWKS endpoint that can be made to fail, with a clock the
// function reads.
type idp struct {
	ts      *httptest.Server
	fetches atomic.Int32
	failing atomic.Bool

	mu    sync.Mutex
	clock time.Time
}

func newIDP(t *testing.T) *idp {
	rk, _ := keys()
	set := map[string]any{"keys": []map[string]string{
		{"kty": "RSA", "kid": "rsa1", "use": "sig", "alg": "RS256", "n": b64u(rk.N.Bytes()), "e": b64u(big.NewInt(int64(rk.E)).Bytes())},
	}}
	p := &idp{clock: time.Now()}
	p.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.fetches.Add(1)
		if p.failing.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(p.ts.Close)
	return p
}

func (p *idp) now() time.Time          { p.mu.Lock(); defer p.mu.Unlock(); return p.clock }
func (p *idp) advance(d time.Duration) { p.mu.Lock(); p.clock = p.clock.Add(d); p.mu.Unlock() }
func (p *idp) env(t *testing.T) *env {
	return newEnv(t, withConfig(func(c *function.Config) {
		c.Auth = function.AuthConfig{JWKSURL: p.ts.URL, Issuer: matrixIssuer, Audience: matrixAudience}
		c.Now = p.now
	}))
}

// jwt signs a token for alice with the IdP's key and the given kid, valid at the IdP's clock.
func (p *idp) jwt(t *testing.T, kid string) string {
	rk, _ := keys()
	return "Bearer " + sign(t, jwt.SigningMethodRS256, rk, kid, jwt.MapClaims{
		"sub": "alice", "role": "uploader", "iss": matrixIssuer, "aud": matrixAudience,
		"exp": p.now().Add(time.Hour).Unix()})
}

// A key stays usable while refetches fail only for its stale grace (an hour after the last
// successful fetch), also when the last refetch attempt was moments ago.
func TestJWKSStaleGrace(t *testing.T) {
	t.Parallel()
	p := newIDP(t)
	e := p.env(t)
	steps := []struct {
		name    string
		advance time.Duration
		failing bool
		status  int
	}{
		{"fresh", 0, false, 200},
		{"past the TTL, refetch fails, within grace", 11 * time.Minute, true, 200},
		{"just before the grace ends", 48*time.Minute + 50*time.Second, true, 200},
		{"past the grace, last attempt 20 s ago", 20 * time.Second, true, 502},
		{"past the grace, refetch fails", 31 * time.Second, true, 502},
		{"the IdP is back", 31 * time.Second, false, 200},
	}
	for _, s := range steps {
		p.advance(s.advance)
		p.failing.Store(s.failing)
		a := e.do("POST", "/v1/token", p.jwt(t, "rsa1"), "")
		if a.Status != s.status {
			t.Fatalf("%s: %d %s", s.name, a.Status, a.Body)
		}
		if s.status == 502 && a.code() != "UpstreamError" {
			t.Fatalf("%s: %s", s.name, a.Body)
		}
	}
}

// A flood of tokens with unknown kids (or of any tokens while the JWKS cannot be fetched)
// costs at most one JWKS fetch per 30 s per instance.
func TestJWKSFloodOfUnknownKids(t *testing.T) {
	for _, failing := range []bool{false, true} {
		t.Run(fmt.Sprintf("jwks failing=%v", failing), func(t *testing.T) {
			t.Parallel()
			p := newIDP(t)
			p.failing.Store(failing)
			e := p.env(t)
			for i := range 20 { // 20 requests, 1.4 s apart: 28 s in all
				a := e.do("POST", "/v1/token", p.jwt(t, fmt.Sprintf("unknown-%d", i)), "")
				if a.Status != 401 && a.Status != 502 {
					t.Fatalf("request %d: %d %s", i, a.Status, a.Body)
				}
				p.advance(1400 * time.Millisecond)
			}
			if n := p.fetches.Load(); n != 1 {
				t.Fatalf("%d JWKS fetches in 28 s, want 1", n)
			}
			p.advance(3 * time.Second)
			e.do("POST", "/v1/token", p.jwt(t, "unknown-x"), "")
			if n := p.fetches.Load(); n != 2 {
				t.Fatalf("%d JWKS fetches after 31 s, want 2", n)
			}
		})
	}
}
