package engine_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/pdsemu"
	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
	"github.com/ferry-upload/ferry/wasm/engine"
	"github.com/ferry-upload/ferry/wasm/engine/drivertest"
	"github.com/ferry-upload/ferry/wasm/engine/native"
)

// TestConformancePDS runs the conformance suite against Alibaba PDS, brokered (its only
// mode), through the PDS emulator and the real token function.
func TestConformancePDS(t *testing.T) {
	t.Parallel()
	drivertest.RunConformanceTests(t, newPDSHarness)
}

// pdsKey is the JWT app's key pair every PDS harness shares (RSA generation is slow).
var pdsKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// pdsHarness is the PDS emulator over loopback HTTP and, for each engine, the token function
// in front of it (FERRY_PROVIDER=pds, JWT bearer). Both clocks run ahead together, so that
// tickets expire while the function's assertions stay valid at the emulator.
type pdsHarness struct {
	srv    *pdsemu.Server
	key    *rsa.PrivateKey
	ahead  atomic.Int64 // ns
	policy string       // the function's policy; "" is conformanceBrokeredPolicy
}

var _ drivertest.Harness = (*pdsHarness)(nil)

func newPDSHarness(t *testing.T) drivertest.Harness {
	t.Helper()
	key, err := pdsKey()
	if err != nil {
		t.Fatal(err)
	}
	h := &pdsHarness{key: key}
	srv, err := pdsemu.NewServer(pdsemu.Options{JWTPublicKey: &key.PublicKey, Now: h.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	h.srv = srv
	return h
}

func (h *pdsHarness) now() time.Time { return time.Now().Add(time.Duration(h.ahead.Load())) }

func (h *pdsHarness) Mode() string { return engine.ModeBrokered }

// Emulator: the caller u1's default drive (the function signs in as u1 with auto_create).
func (h *pdsHarness) Emulator() drivertest.Emulator {
	return drivertest.Emulator{URL: h.srv.URL(), Library: "user:u1"}
}

func (h *pdsHarness) Root() string { return prefix }

func (h *pdsHarness) PartSize() int64 { return engine.MiB }

func (h *pdsHarness) Config(t *testing.T, o drivertest.ConfigOptions) engine.Config {
	t.Helper()
	policy := h.policy
	if policy == "" {
		policy = conformanceBrokeredPolicy
	}
	pol, err := function.ParsePolicy(policy)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(h.key)})
	fh, err := function.New(function.Config{Provider: function.ProviderPDS,
		PDS: function.PDSConfig{APIBase: h.srv.URL(), DomainID: pdsemu.DevDomainID, ClientID: pdsemu.DevJWTClientID,
			PrivateKey: function.Secret(keyPEM)},
		Auth: function.AuthConfig{HS256Secret: jwtSecret}, Policy: pol, TicketKey: function.Secret(ticketKey),
		DevMode: true, HTTPClient: h.srv.HTTPClient(), RateLimit: function.RateLimit{Off: true}, Now: h.now,
		UpstreamTimeout: o.RequestTimeout / 4, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	fs := httptest.NewServer(fh)
	t.Cleanup(fs.Close)
	rt := fs.Client().Transport
	if o.Control != nil {
		rt = o.Control(rt)
	}
	timeout := o.RequestTimeout
	if timeout == 0 {
		timeout = 20 * time.Second
	}
	fn := &engine.Function{TokenURL: fs.URL + "/v1/token", Doer: smhhttp.Doer{Client: &http.Client{Transport: rt}},
		RequestTimeout: timeout,
		Headers: func(context.Context) (map[string]string, error) {
			tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u1", "role": "uploader",
				"exp": h.now().Add(time.Hour).Unix()}).SignedString([]byte(jwtSecret))
			return map[string]string{"Authorization": "Bearer " + tok}, err
		}}
	return engine.Config{
		Options: engine.Options{PartSize: engine.MiB, SimpleThreshold: engine.MiB,
			Retry: engine.Backoff{Base: time.Millisecond, Max: 20 * time.Millisecond, Seed: 7}},
		Tokens:   fn,
		Brokered: &engine.BrokeredDriver{Function: fn},
		Sender:   native.Sender{Client: h.srv.HTTPClient()},
		Hasher:   native.Hasher{},
	}
}

// Step: the function's POST /v1/uploads and /v1/uploads/{id}/complete.
func (h *pdsHarness) Step(r *http.Request) drivertest.Step {
	switch p := r.URL.Path; {
	case r.Method == "POST" && p == "/v1/uploads":
		return drivertest.StepBegin
	case r.Method == "POST" && strings.HasPrefix(p, "/v1/uploads/") && strings.HasSuffix(p, "/complete"):
		return drivertest.StepComplete
	}
	return drivertest.StepOther
}

// ExpireTickets moves both clocks past a ticket's lifetime.
func (h *pdsHarness) ExpireTickets(*testing.T) { h.ahead.Add(int64(ticketLifetime)) }

func (h *pdsHarness) Capabilities() drivertest.Capabilities {
	return drivertest.Capabilities{Tickets: true, AbortAfterExpiry: true, Replace: true}
}
