package engine_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
	"github.com/ferry-upload/ferry/shared/smhemu"
	"github.com/ferry-upload/ferry/wasm/engine"
	"github.com/ferry-upload/ferry/wasm/engine/drivertest"
	"github.com/ferry-upload/ferry/wasm/engine/native"
)

// Policies of the conformance harnesses: the caller uploads under prefix and may replace
// files; direct, it confirms itself (upload_file*), brokered the function does.
const (
	conformanceDirectPolicy = `{"roles":{"uploader":{"grants":["upload_file","upload_file_force"],` +
		`"mode":"direct","confirm":"direct","pathPrefix":"` + prefix + `"}}}`
	conformanceBrokeredPolicy = `{"roles":{"uploader":{"grants":["begin_upload","begin_upload_force"],` +
		`"mode":"brokered","pathPrefix":"` + prefix + `"}}}`
)

// ticketLifetime is more than a ticket lives (function/routes_uploads.go: 24 h).
const ticketLifetime = 25 * time.Hour

// smhHarness is SMH in one mode for the conformance suite: the emulator over loopback HTTP
// and, for each engine, the real token function in front of it (HS256 callers), whose clock
// can be moved ahead so that tickets expire.
type smhHarness struct {
	mode   string
	srv    *smhemu.Server
	client *http.Client
	ahead  atomic.Int64 // the function's clock runs this far ahead (ns)
}

var _ drivertest.Harness = (*smhHarness)(nil)

func newSMHHarness(mode string) drivertest.HarnessMaker {
	return func(t *testing.T) drivertest.Harness {
		t.Helper()
		srv, err := smhemu.NewServer(smhemu.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.Close)
		return &smhHarness{mode: mode, srv: srv, client: srv.HTTPClient()}
	}
}

func (h *smhHarness) now() time.Time { return time.Now().Add(time.Duration(h.ahead.Load())) }

func (h *smhHarness) Mode() string { return h.mode }

func (h *smhHarness) Emulator() drivertest.Emulator {
	return drivertest.Emulator{URL: h.srv.URL(), Library: lib, Space: "-"}
}

func (h *smhHarness) Root() string { return prefix }

func (h *smhHarness) PartSize() int64 { return engine.MiB }

// Config serves a token function of its own for this engine (every instance shares the
// ticket key and the clock): its upstream timeout well within o.RequestTimeout, so that it
// answers a stalled upstream request before the engine gives up on it.
func (h *smhHarness) Config(t *testing.T, o drivertest.ConfigOptions) engine.Config {
	t.Helper()
	policy := conformanceDirectPolicy
	if h.mode == engine.ModeBrokered {
		policy = conformanceBrokeredPolicy
	}
	pol, err := function.ParsePolicy(policy)
	if err != nil {
		t.Fatal(err)
	}
	fh, err := function.New(function.Config{APIBase: h.srv.URL(), LibraryID: lib, LibrarySecret: secret,
		Auth: function.AuthConfig{HS256Secret: jwtSecret}, Policy: pol, TicketKey: function.Secret(ticketKey),
		DevMode: true, HTTPClient: h.client, RateLimit: function.RateLimit{Off: true}, Now: h.now,
		UpstreamTimeout: o.RequestTimeout / 4, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	fs := httptest.NewServer(fh)
	t.Cleanup(fs.Close)
	control := func(rt http.RoundTripper) *http.Client {
		if rt == nil {
			rt = http.DefaultTransport
		}
		if o.Control != nil {
			rt = o.Control(rt)
		}
		return &http.Client{Transport: rt}
	}
	timeout := o.RequestTimeout
	if timeout == 0 {
		timeout = 20 * time.Second
	}
	fn := &engine.Function{TokenURL: fs.URL + "/v1/token", Doer: smhhttp.Doer{Client: control(fs.Client().Transport)},
		RequestTimeout: timeout,
		Headers: func(context.Context) (map[string]string, error) {
			tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u1", "role": "uploader",
				"exp": h.now().Add(time.Hour).Unix()}).SignedString([]byte(jwtSecret))
			return map[string]string{"Authorization": "Bearer " + tok}, err
		}}
	return engine.Config{
		Options: engine.Options{PartSize: engine.MiB, SimpleThreshold: engine.MiB,
			Retry: engine.Backoff{Base: time.Millisecond, Max: 20 * time.Millisecond, Seed: 7}},
		Tokens: fn,
		Driver: &engine.SMHDriver{Doer: smhhttp.Doer{Client: control(h.client.Transport)}, Function: fn,
			RequestTimeout: timeout},
		Brokered: &engine.BrokeredDriver{Function: fn},
		Sender:   native.Sender{Client: h.client},
		Hasher:   native.Hasher{},
	}
}

// Step: SMH's begin (?filesize, simple or multipart) and confirm; the function's
// POST /v1/uploads and /v1/uploads/{id}/complete.
func (h *smhHarness) Step(r *http.Request) drivertest.Step {
	p, q := r.URL.Path, r.URL.Query()
	switch {
	case r.Method == "POST" && p == "/v1/uploads",
		strings.HasPrefix(p, "/api/v1/file/") && q.Has("filesize"):
		return drivertest.StepBegin
	case r.Method == "POST" && strings.HasPrefix(p, "/v1/uploads/") && strings.HasSuffix(p, "/complete"),
		r.Method == "POST" && strings.HasPrefix(p, "/api/v1/file/") && q.Has("confirm"):
		return drivertest.StepComplete
	}
	return drivertest.StepOther
}

// ExpireTickets moves the function's clock past a ticket's lifetime.
func (h *smhHarness) ExpireTickets(*testing.T) { h.ahead.Add(int64(ticketLifetime)) }

func (h *smhHarness) Capabilities() drivertest.Capabilities {
	if h.mode == engine.ModeBrokered {
		return drivertest.Capabilities{Tickets: true, AbortAfterExpiry: true, Replace: true}
	}
	// Direct, the engine passes SMH's codes through.
	return drivertest.Capabilities{Replace: true,
		Codes: map[string]string{"AlreadyExists": "SameNameDirectoryOrFileExists"}}
}
