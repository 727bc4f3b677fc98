package engine_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/gokuaiemu"
	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
	"github.com/ferry-upload/ferry/wasm/engine"
	"github.com/ferry-upload/ferry/wasm/engine/drivertest"
	"github.com/ferry-upload/ferry/wasm/engine/native"
)

// TestConformanceGokuai runs the conformance suite against Gokuai, brokered (its only
// mode), through the Gokuai emulator and the real token function: every part a byte range
// in order with its CRC-32, the whole file's SHA-1 at every begin.
func TestConformanceGokuai(t *testing.T) {
	t.Parallel()
	drivertest.RunConformanceTests(t, newGokuaiHarness)
}

// gokuaiPolicy: the caller uploads under prefix into the emulator's dev library.
const gokuaiPolicy = `{"roles":{"uploader":{"grants":["begin_upload","begin_upload_force"],` +
	`"library":"` + "1" + `","pathPrefix":"` + prefix + `"}}}`

// gokuaiHarness is the Gokuai emulator over loopback HTTP and, for each engine, the token
// function in front of it (FERRY_PROVIDER=gokuai). Both clocks run ahead together, so that
// tickets expire while the function's datelines stay within the emulator's window.
type gokuaiHarness struct {
	srv   *gokuaiemu.Server
	ahead atomic.Int64 // ns
}

var _ drivertest.Harness = (*gokuaiHarness)(nil)

func newGokuaiHarness(t *testing.T) drivertest.Harness {
	t.Helper()
	h := &gokuaiHarness{}
	srv, err := gokuaiemu.NewServer(gokuaiemu.Options{Now: h.now, SessionLifetime: 100 * ticketLifetime})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	h.srv = srv
	return h
}

func (h *gokuaiHarness) now() time.Time { return time.Now().Add(time.Duration(h.ahead.Load())) }

func (h *gokuaiHarness) Mode() string { return engine.ModeBrokered }

// Emulator: the dev library, by its mount id.
func (h *gokuaiHarness) Emulator() drivertest.Emulator {
	return drivertest.Emulator{URL: h.srv.URL(), Library: strconv.Itoa(gokuaiemu.DevMountID)}
}

func (h *gokuaiHarness) Root() string { return prefix }

func (h *gokuaiHarness) PartSize() int64 { return engine.MiB }

func (h *gokuaiHarness) Config(t *testing.T, o drivertest.ConfigOptions) engine.Config {
	t.Helper()
	pol, err := function.ParsePolicy(gokuaiPolicy)
	if err != nil {
		t.Fatal(err)
	}
	fh, err := function.New(function.Config{Provider: function.ProviderGokuai,
		Gokuai: function.GokuaiConfig{APIBase: h.srv.APIBase(), ClientID: gokuaiemu.DevClientID,
			ClientSecret: function.Secret(gokuaiemu.DevClientSecret)},
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
func (h *gokuaiHarness) Step(r *http.Request) drivertest.Step {
	switch p := r.URL.Path; {
	case r.Method == "POST" && p == "/v1/uploads":
		return drivertest.StepBegin
	case r.Method == "POST" && strings.HasPrefix(p, "/v1/uploads/") && strings.HasSuffix(p, "/complete"):
		return drivertest.StepComplete
	}
	return drivertest.StepOther
}

// ExpireTickets moves both clocks past a ticket's lifetime (the emulator's sessions live
// longer, as the provider's task outlives a ticket elsewhere).
func (h *gokuaiHarness) ExpireTickets(*testing.T) { h.ahead.Add(int64(ticketLifetime)) }

func (h *gokuaiHarness) Capabilities() drivertest.Capabilities {
	return drivertest.Capabilities{Tickets: true, AbortAfterExpiry: true, Replace: true}
}
