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

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/smh"
	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
	"github.com/ferry-upload/ferry/wasm/engine"
)

// directPolicy is the default policy's role (grants begin_upload, prefix /users/{sub}/,
// confirm "function"), in mode direct whatever the default mode.
const directPolicy = `{"roles":{"uploader":{"grants":["begin_upload"],"mode":"direct"}}}`

// withFunction serves the real token function (anonymous dev mode, directPolicy) in front of
// the harness's emulator, and returns an engine configuration that uses it: tokens from
// /v1/token, confirm through /v1/confirm, missing directories through /v1/directory.
func (h *harness) withFunction(t *testing.T) (engine.Config, *engine.Function, *atomic.Int32) {
	t.Helper()
	pol, err := function.ParsePolicy(directPolicy)
	if err != nil {
		t.Fatal(err)
	}
	fh, err := function.New(function.Config{APIBase: h.srv.URL(), LibraryID: lib, LibrarySecret: secret, Policy: pol,
		Auth: function.AuthConfig{Mode: function.AuthAnonymous}, DevMode: true, HTTPClient: h.client,
		AllowedOrigins: []string{"http://page.test"}, RateLimit: function.RateLimit{Off: true},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	var routes atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/token" {
			routes.Add(1)
		}
		fh.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	doer := smhhttp.Doer{Client: ts.Client()}
	fn := &engine.Function{TokenURL: ts.URL + "/v1/token", Doer: doer,
		Headers: func(context.Context) (map[string]string, error) {
			return map[string]string{"Authorization": "Bearer ignored-in-anonymous-mode"}, nil
		}}
	cfg := h.config()
	cfg.Tokens = fn
	cfg.Driver = &engine.SMHDriver{Doer: smhhttp.Doer{Client: h.client}, Function: fn}
	return cfg, fn, &routes
}

// TestThroughFunction: a role that confirms through the function (the default policy):
// the token comes from /v1/token, the missing directory is created through /v1/directory,
// the upload is confirmed through /v1/confirm, and the file lands under the user's prefix.
func TestThroughFunction(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cfg, _, routes := h.withFunction(t)
	e := h.engine(cfg)
	for _, size := range []int{0, 3*engine.MiB + 1} {
		src := randomSource(t, "fn.bin", size)
		// Quick upload must not apply to such a role, even for bytes the library holds.
		if size > 0 {
			if err := h.emu.PutFile(lib, "-", "/elsewhere/fn.bin", src.Data); err != nil {
				t.Fatal(err)
			}
		}
		task, res, err := h.upload(e, src, engine.UploadOptions{Path: "/deep/er/", Conflict: "rename"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(res.Path, "/users/dev-user/deep/er/fn") || res.Rapid {
			t.Fatalf("result %+v", res)
		}
		h.checkStored(res.Path, src)
		checkMonotonic(t, h.events.of(task.ID()))
	}
	if n := routes.Load(); n < 3 { // directory once, confirm twice
		t.Fatalf("%d requests to /v1/confirm and /v1/directory; want at least 3", n)
	}
	if n := h.requests("?confirm", ""); n != 2 {
		t.Fatalf("%d confirms upstream; want 2 (through the function)", n)
	}
	if n := h.requests("{filePath}", "202"); n != 0 {
		t.Fatal("quick upload was tried for a role that confirms through the function")
	}
}

// TestFunctionPolicyViolation: the function refuses a path outside the caller's prefix at
// /v1/directory... which the engine can never ask for: ".." cannot leave the prefix.
func TestPathStaysUnderPrefix(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cfg, _, _ := h.withFunction(t)
	e := h.engine(cfg)
	src := randomSource(t, "esc.bin", 10)
	_, res, err := h.upload(e, src, engine.UploadOptions{Path: "/../../../etc/esc.bin"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Path != "/users/dev-user/etc/esc.bin" {
		t.Fatalf("path %s", res.Path)
	}
}

// TestSignOut revokes the tokens through DELETE /v1/token and forgets the user's checkpoints.
func TestSignOut(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cfg, fn, _ := h.withFunction(t)
	store := engine.NewMemoryStore()
	cfg.Checkpoints, cfg.Concurrency = store, 1
	started := make(chan struct{})
	cfg.Sender = holdAfter(cfg.Sender, 1, started)
	e := h.engine(cfg)
	task, err := e.Upload(randomSource(t, "so.bin", 3*engine.MiB), engine.UploadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	ctx := ctxTimeout(t, 30e9)
	tok, err := fn.FetchToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	if task.State() != engine.StateCanceled {
		t.Fatalf("state %s", task.State())
	}
	if cps, _ := store.List(ctx); len(cps) != 0 {
		t.Fatalf("checkpoints after sign-out: %v", cps)
	}
	if ups := h.openUploads(); len(ups) != 0 {
		t.Fatalf("open uploads after sign-out: %v", ups)
	}
	c := &smh.Client{BaseURL: h.srv.URL(), LibraryID: lib, Doer: smhhttp.Doer{Client: h.client}}
	if _, err := c.FileInfo(ctx, tok.AccessToken, "-", "/x"); smh.Code(err) != smh.CodeInvalidAccessToken {
		t.Fatalf("a token from before the sign-out still works: %v", err)
	}
}
