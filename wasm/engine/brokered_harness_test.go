package engine_test

import (
	"context"
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
	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
	"github.com/ferry-upload/ferry/wasm/engine"
)

// modes are the upload modes the table-driven tests run in: direct (an SMH token in the
// engine, the harness's own tokens) and brokered (the real token function in front of the
// emulator, no SMH credential in the engine).
var modes = []string{engine.ModeDirect, engine.ModeBrokered}

const (
	jwtSecret = "engine-tests-hs256-secret-0123456789abcdef"
	ticketKey = "engine-tests-ticket-key-0123456789abcdefgh"
)

// brokeredPolicy: the harness's users upload under the harness's prefix, brokered.
const brokeredPolicy = `{"roles":{"uploader":{"grants":["begin_upload"],"mode":"brokered","pathPrefix":"` + prefix + `"}}}`

// broker is the real token function (HS256 callers, a brokered role) over real HTTP in
// front of the harness's emulator. It can be restarted with another configuration at the
// same address.
type broker struct {
	srv     *httptest.Server
	routes  routeLog
	handler atomic.Pointer[http.Handler]
}

// newModeHarness is newHarness in one of modes: its config() uploads in that mode.
func newModeHarness(t *testing.T, mode string) *harness {
	t.Helper()
	h := newHarness(t)
	if mode == engine.ModeBrokered {
		h.useBroker(t, brokeredPolicy)
	}
	return h
}

// useBroker serves the real function with policy in front of the emulator; config() then
// takes its tokens from /v1/token and wires both drivers, as the browser build does.
func (h *harness) useBroker(t *testing.T, policy string) {
	t.Helper()
	b := &broker{}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.routes.add(r)
		(*b.handler.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(b.srv.Close)
	h.broker = b
	h.restartBroker(t, policy, ticketKey)
}

// restartBroker replaces the function behind the broker's address by a new instance with
// policy and ticket key (a deployment, a rotated key).
func (h *harness) restartBroker(t *testing.T, policy, key string) {
	t.Helper()
	pol, err := function.ParsePolicy(policy)
	if err != nil {
		t.Fatal(err)
	}
	fh, err := function.New(function.Config{APIBase: h.srv.URL(), LibraryID: lib, LibrarySecret: secret,
		Auth: function.AuthConfig{HS256Secret: jwtSecret}, Policy: pol, TicketKey: function.Secret(key), DevMode: true,
		HTTPClient: h.client, RateLimit: function.RateLimit{Off: true}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h.broker.handler.Store(&fh)
}

// function is an engine.Function for the broker whose requests go through rt (nil: the
// test server's own transport), authenticated as the harness's user.
func (h *harness) function(rt http.RoundTripper) *engine.Function {
	if rt == nil {
		rt = h.broker.srv.Client().Transport
	}
	return &engine.Function{TokenURL: h.broker.srv.URL + "/v1/token", Doer: smhhttp.Doer{Client: &http.Client{Transport: rt}},
		RequestTimeout: 20 * time.Second,
		Headers: func(context.Context) (map[string]string, error) {
			jwtTok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": h.user, "role": "uploader",
				"exp": time.Now().Add(time.Hour).Unix()}).SignedString([]byte(jwtSecret))
			return map[string]string{"Authorization": "Bearer " + jwtTok}, err
		}}
}

// brokered wires cfg to the broker, its function's requests through rt.
func (h *harness) brokered(cfg engine.Config, rt http.RoundTripper) engine.Config {
	fn := h.function(rt)
	cfg.Tokens = fn
	cfg.Driver = &engine.SMHDriver{Doer: smhhttp.Doer{Client: h.client}, Function: fn, RequestTimeout: 20 * time.Second}
	cfg.Brokered = &engine.BrokeredDriver{Function: fn}
	return cfg
}

// routeLog counts the function's requests by method and route, tickets elided:
// "POST /v1/uploads/{id}/targets".
type routeLog struct {
	mu sync.Mutex
	n  map[string]int
}

func (l *routeLog) add(r *http.Request) {
	route := r.URL.Path
	if rest, ok := strings.CutPrefix(route, "/v1/uploads/"); ok {
		_, sub, found := strings.Cut(rest, "/")
		route = "/v1/uploads/{id}"
		if found {
			route += "/" + sub
		}
	}
	l.mu.Lock()
	if l.n == nil {
		l.n = map[string]int{}
	}
	l.n[r.Method+" "+route]++
	l.mu.Unlock()
}

func (l *routeLog) count(route string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n[route]
}
