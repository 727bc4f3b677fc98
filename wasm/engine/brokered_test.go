package engine_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/smh"
	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
	"github.com/ferry-upload/ferry/wasm/engine"
)

// Brokered uploads (interfaces.md §5.2) through the real token function in front of the
// emulator. The table-driven tests of the other files run brokered too (TestSizes,
// TestQuickUpload*, TestPauseResume, TestCancel, TestResumeChangedPart, TestReload*,
// TestLostConfirmAnswer*, the expiry tests); these cover what only brokered mode has.

// countingDoer counts the requests a driver sends.
type countingDoer struct {
	next smh.Doer
	n    atomic.Int32
}

func (c *countingDoer) Do(ctx context.Context, req *smh.Request) (*smh.Response, error) {
	c.n.Add(1)
	return c.next.Do(ctx, req)
}

// TestBrokeredHoldsNoProviderCredential: a brokered token answer carries no SMH token, the
// engine never speaks SMH's control plane, and the targets of 21 parts cost one request
// beyond the begin answer's first window of 16.
func TestBrokeredHoldsNoProviderCredential(t *testing.T) {
	t.Parallel()
	h := newModeHarness(t, engine.ModeBrokered)
	cfg := h.config()
	smhCalls := &countingDoer{next: smhhttp.Doer{Client: h.client}}
	cfg.Driver = &engine.SMHDriver{Doer: smhCalls}
	var mu sync.Mutex
	var answers []engine.Token
	src := cfg.Tokens
	cfg.Tokens = engine.TokenSourceFunc(func(ctx context.Context) (*engine.Token, error) {
		tok, err := src.FetchToken(ctx)
		if err == nil {
			mu.Lock()
			answers = append(answers, *tok)
			mu.Unlock()
		}
		return tok, err
	})
	e := h.engine(cfg)
	file := randomSource(t, "many.bin", 20*engine.MiB+3)
	task, res, err := h.upload(e, file, engine.UploadOptions{Path: "/b/"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Path != prefix+"b/many.bin" || res.Size != file.Size() || res.Rapid {
		t.Fatalf("result %+v", res)
	}
	h.checkStored(res.Path, file)
	checkMonotonic(t, h.events.of(task.ID()))
	mu.Lock()
	defer mu.Unlock()
	if len(answers) != 1 {
		t.Fatalf("%d token answers; want 1", len(answers))
	}
	if a := answers[0]; a.AccessToken != "" || a.APIBase != "" || a.Mode != engine.ModeBrokered || a.Provider != "smh" ||
		a.UploadsURL != h.broker.srv.URL+"/v1/uploads" || !a.QuickUpload {
		t.Fatalf("token answer %+v", a)
	}
	if n := smhCalls.n.Load(); n != 0 {
		t.Fatalf("the engine sent %d requests to SMH's control plane", n)
	}
	for route, want := range map[string]int{"POST /v1/uploads": 1, "POST /v1/uploads/{id}/targets": 1,
		"POST /v1/uploads/{id}/complete": 1, "POST /v1/token": 1} {
		if got := h.broker.routes.count(route); got != want {
			t.Errorf("%s: %d requests; want %d", route, got, want)
		}
	}
}

// TestBrokeredExpiryMidUpload: halfway through, every SMH token and data-plane signature
// expires at once. Parts meet "Request has expired"; the engine asks the function for
// fresh targets (the function renews upstream with new tokens of its own) and goes on,
// with the one token answer it had.
func TestBrokeredExpiryMidUpload(t *testing.T) {
	t.Parallel()
	h := newModeHarness(t, engine.ModeBrokered)
	cfg := h.config()
	cfg.Clock = &vclock{}
	cfg.Concurrency = 4
	cfg.Sender = gatedSender(cfg.Sender, 3, func() {
		if _, _, err := h.emu.ExpireNow(true, true); err != nil {
			t.Error(err)
		}
	})
	e := h.engine(cfg)
	src := randomSource(t, "e.bin", 10*engine.MiB+1)
	task, res, err := h.upload(e, src, engine.UploadOptions{Path: "/exp/"})
	if err != nil {
		t.Fatal(err)
	}
	h.checkStored(res.Path, src)
	checkMonotonic(t, h.events.of(task.ID()))
	if n := h.requests("/cos/", "403"); n == 0 {
		t.Fatal("no part met an expired signature")
	}
	if n := h.broker.routes.count("POST /v1/uploads/{id}/targets"); n == 0 {
		t.Fatal("no fresh targets were asked for")
	}
	if n := h.requests("?renew", "200"); n == 0 {
		t.Fatal("the function renewed nothing upstream")
	}
	if n := h.broker.routes.count("POST /v1/token"); n != 1 {
		t.Fatalf("%d token answers; want 1", n)
	}
	if ups := h.openUploads(); len(ups) != 0 {
		t.Fatalf("open uploads: %v", ups)
	}
}

// TestBrokeredTicketRefused: the function is redeployed with a new ticket key, so it
// refuses the tickets it sealed before (403 Forbidden). Mid-upload, the engine begins
// afresh in the same run; after a reload, the resume begins afresh. Either way the file is
// stored whole. (The refused ticket's upstream task cannot be aborted through the
// function: it stays open until SMH expires it.)
func TestBrokeredTicketRefused(t *testing.T) {
	t.Parallel()
	const other = "engine-tests-rotated-ticket-key-0123456789"
	t.Run("mid-upload", func(t *testing.T) {
		t.Parallel()
		h := newModeHarness(t, engine.ModeBrokered)
		cfg := h.config()
		cfg.Concurrency = 1
		var log partLog
		cfg.Sender = log.sender(gatedSender(cfg.Sender, 3, func() { h.restartBroker(t, brokeredPolicy, other) }))
		e := h.engine(cfg)
		src := randomSource(t, "k.bin", 20*engine.MiB+3) // past the first window: asks for targets
		task, res, err := h.upload(e, src, engine.UploadOptions{Path: "/rot/"})
		if err != nil {
			t.Fatal(err)
		}
		h.checkStored(res.Path, src)
		checkMonotonic(t, h.events.of(task.ID()))
		if n := h.broker.routes.count("POST /v1/uploads"); n != 2 {
			t.Fatalf("%d begins; want 2", n)
		}
		if got := log.sorted(); len(got) != 21 || got[0] != 1 || got[20] != 21 {
			t.Fatalf("parts sent %v", got)
		}
		if ups := h.openUploads(); len(ups) != 1 {
			t.Fatalf("open uploads %v; want the refused ticket's only", ups)
		}
	})
	t.Run("after-reload", func(t *testing.T) {
		t.Parallel()
		h := newModeHarness(t, engine.ModeBrokered)
		store := engine.NewMemoryStore()
		src := randomSource(t, "r.bin", 6*engine.MiB+5)
		interrupted(t, h, store, src, "/rot/")
		h.restartBroker(t, brokeredPolicy, other)
		cfg := h.config()
		cfg.Checkpoints = store
		var log partLog
		cfg.Sender = log.sender(cfg.Sender)
		ctx := ctxTimeout(t, time.Minute)
		task := restoreOnly(t, ctx, h.engine(cfg), src)
		res, err := task.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		h.checkStored(res.Path, src)
		if got, want := log.sorted(), []int{1, 2, 3, 4, 5, 6, 7}; !slices.Equal(got, want) {
			t.Fatalf("parts sent on resume %v; want %v (all: the old upload is not ours any more)", got, want)
		}
		if cps, _ := store.List(ctx); len(cps) != 0 {
			t.Fatalf("checkpoints left: %v", cps)
		}
	})
}

// TestBrokeredQuickUploadOff: a role without quick upload gets quickUpload false, and the
// engine sends no hashes (the function would refuse them) even for bytes the library holds.
func TestBrokeredQuickUploadOff(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.useBroker(t, `{"roles":{"uploader":{"grants":["begin_upload"],"mode":"brokered","pathPrefix":"`+prefix+`","quickUpload":false}}}`)
	src := randomSource(t, "x.bin", 2*engine.MiB)
	if err := h.emu.PutFile(lib, "-", "/elsewhere/x.bin", src.Data); err != nil {
		t.Fatal(err)
	}
	task, res, err := h.upload(h.engine(h.config()), src, engine.UploadOptions{Path: "/q/"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rapid || task.State() != engine.StateDone {
		t.Fatalf("result %+v state %s", res, task.State())
	}
	if n := h.requests("{filePath}", "202"); n != 0 {
		t.Fatalf("begin answered 202 %d times: hashes were sent", n)
	}
	h.checkStored(res.Path, src)
}

// TestBrokeredModeChanged: a paused brokered upload resumes after the function's policy put
// the role in mode direct. Its brokered task means nothing to the new mode: the engine
// notices (the function refuses the ticket's routes and the begin, a new token answer says
// direct) and uploads the file afresh, directly.
func TestBrokeredModeChanged(t *testing.T) {
	t.Parallel()
	h := newModeHarness(t, engine.ModeBrokered)
	cfg := h.config()
	cfg.Concurrency = 1
	var released atomic.Bool
	held := make(chan struct{}, 16)
	next := cfg.Sender
	cfg.Sender = senderFunc(func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
		if partNumber(req.URL) == 3 && !released.Load() {
			held <- struct{}{}
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return next.SendPart(ctx, req)
	})
	e := h.engine(cfg)
	src := randomSource(t, "m.bin", 5*engine.MiB)
	task, err := e.UploadWithID(h.id(), src, engine.UploadOptions{Path: "/mode/"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxTimeout(t, time.Minute)
	<-held
	if err := task.Pause(); err != nil {
		t.Fatal(err)
	}
	if st, _ := task.WaitState(ctx, engine.StatePaused); st != engine.StatePaused {
		t.Fatalf("state %s", st)
	}
	h.restartBroker(t, `{"roles":{"uploader":{"grants":["begin_upload"],"mode":"direct","pathPrefix":"`+prefix+`"}}}`, ticketKey)
	released.Store(true)
	if err := task.Resume(); err != nil {
		t.Fatal(err)
	}
	res, err := task.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Path != prefix+"mode/m.bin" {
		t.Fatalf("result %+v", res)
	}
	h.checkStored(res.Path, src)
	checkMonotonic(t, h.events.of(task.ID()))
	if n := h.broker.routes.count("POST /v1/confirm"); n != 1 {
		t.Fatalf("%d confirms through /v1/confirm; want 1 (the direct role's)", n)
	}
}

// TestBrokeredSignOut: signing out cancels a brokered upload (DELETE on its ticket: no task
// left open upstream), forgets its checkpoint and revokes the caller's tokens.
func TestBrokeredSignOut(t *testing.T) {
	t.Parallel()
	h := newModeHarness(t, engine.ModeBrokered)
	cfg := h.config()
	store := engine.NewMemoryStore()
	cfg.Checkpoints, cfg.Concurrency = store, 1
	started := make(chan struct{})
	cfg.Sender = holdAfter(cfg.Sender, 1, started)
	e := h.engine(cfg)
	task, err := e.Upload(randomSource(t, "so.bin", 3*engine.MiB), engine.UploadOptions{Path: "/so/"})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	ctx := ctxTimeout(t, time.Minute)
	if ups := h.openUploads(); len(ups) != 1 {
		t.Fatalf("open uploads before sign-out: %v", ups)
	}
	if err := e.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	if task.State() != engine.StateCanceled {
		t.Fatalf("state %s", task.State())
	}
	if ups := h.openUploads(); len(ups) != 0 {
		t.Fatalf("open uploads after sign-out: %v", ups)
	}
	if cps, _ := store.List(ctx); len(cps) != 0 {
		t.Fatalf("checkpoints after sign-out: %v", cps)
	}
	for route, want := range map[string]int{"DELETE /v1/uploads/{id}": 1, "DELETE /v1/token": 1} {
		if got := h.broker.routes.count(route); got != want {
			t.Errorf("%s: %d requests; want %d", route, got, want)
		}
	}
}

// TestFetchTokenAnswers: FetchToken takes a brokered answer (no accessToken; uploadsUrl
// required, resolved against the token URL like the other URLs) and a direct one, and
// refuses what is neither, and URLs it cannot resolve.
func TestFetchTokenAnswers(t *testing.T) {
	t.Parallel()
	var answer atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(answer.Load().(string)))
	}))
	t.Cleanup(srv.Close)
	fn := &engine.Function{TokenURL: srv.URL + "/api/v1/token", Doer: smhhttp.Doer{Client: srv.Client()}}
	for _, c := range []struct {
		name, body, code string
		check            func(*engine.Token) bool
	}{
		{"brokered", `{"provider":"smh","mode":"brokered","userId":"u","libraryId":"smhdev","spaceId":"-","uploadsUrl":"uploads",
			"directoryUrl":"/v1/directory","limits":{"pathPrefix":"/u/"},"quickUpload":true,"expiresIn":600}`, "",
			func(tok *engine.Token) bool {
				return tok.UploadsURL == srv.URL+"/api/v1/uploads" && tok.DirectoryURL == srv.URL+"/v1/directory" &&
					tok.Mode == engine.ModeBrokered && tok.QuickUpload && tok.AccessToken == "" && tok.ExpiresIn == 600
			}},
		{"brokered without uploadsUrl", `{"provider":"smh","mode":"brokered","userId":"u","expiresIn":600}`, "UnexpectedResponse", nil},
		{"absolute URLs", `{"provider":"smh","mode":"brokered","userId":"u","uploadsUrl":"HTTPS://up.test:8443/v1/./x/../uploads?t=1",
			"directoryUrl":"//dir.test/v1/directory","expiresIn":600}`, "",
			func(tok *engine.Token) bool {
				return tok.UploadsURL == "https://up.test:8443/v1/uploads?t=1" && tok.DirectoryURL == "http://dir.test/v1/directory"
			}},
		// A URL the engine cannot resolve byte for byte as net/url would (urlx.Resolve) is
		// refused, not sent as it came: fetch would resolve it against the worker's URL.
		{"uploadsUrl of another scheme", `{"provider":"smh","mode":"brokered","userId":"u","uploadsUrl":"javascript:alert(1)","expiresIn":600}`, "UnexpectedResponse", nil},
		{"directoryUrl with a space", `{"provider":"smh","mode":"brokered","userId":"u","uploadsUrl":"/v1/uploads","directoryUrl":"/v1/dir ectory","expiresIn":600}`, "UnexpectedResponse", nil},
		{"confirmUrl with a fragment", `{"accessToken":"a","libraryId":"l","apiBase":"http://smh.test","confirmUrl":"/v1/confirm#x"}`, "UnexpectedResponse", nil},
		{"direct", `{"provider":"smh","mode":"direct","accessToken":"a","libraryId":"l","apiBase":"http://smh.test","expiresIn":600}`, "",
			func(tok *engine.Token) bool {
				return tok.AccessToken == "a" && tok.SpaceID == "-" && tok.Mode == engine.ModeDirect
			}},
		{"before modes", `{"accessToken":"a","libraryId":"l","apiBase":"http://smh.test"}`, "",
			func(tok *engine.Token) bool { return tok.AccessToken == "a" && tok.Mode == "" }},
		{"direct without accessToken", `{"mode":"direct","libraryId":"l","apiBase":"http://smh.test"}`, "UnexpectedResponse", nil},
		{"unknown mode", `{"mode":"sideways","accessToken":"a","libraryId":"l","apiBase":"http://smh.test"}`, "UnexpectedResponse", nil},
	} {
		answer.Store(c.body)
		tok, err := fn.FetchToken(ctxTimeout(t, 10*time.Second))
		switch {
		case c.code != "" && engine.Code(err) != c.code:
			t.Errorf("%s: %v; want %s", c.name, err, c.code)
		case c.code == "" && (err != nil || !c.check(tok)):
			t.Errorf("%s: %+v %v", c.name, tok, err)
		}
	}
}

// TestNoDriverForMode: an engine without a brokered driver fails a brokered token's upload
// with InvalidOptions, before anything is sent.
func TestNoDriverForMode(t *testing.T) {
	t.Parallel()
	h := newModeHarness(t, engine.ModeBrokered)
	cfg := h.config()
	cfg.Brokered = nil
	_, _, err := h.upload(h.engine(cfg), randomSource(t, "n.bin", 10), engine.UploadOptions{Path: "/n/"})
	if engine.Code(err) != engine.CodeInvalidOptions || !strings.Contains(err.Error(), "brokered") {
		t.Fatalf("err %v", err)
	}
	if n := h.broker.routes.count("POST /v1/uploads"); n != 0 {
		t.Fatalf("%d begins", n)
	}
}
