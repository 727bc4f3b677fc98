package engine_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
	"github.com/ferry-upload/ferry/wasm/engine"
)

// loseAnswers is an http.RoundTripper around the emulator's: the first `left` requests that
// match are delivered (the server handles them) but their answers are lost, as when a
// connection drops after the server did its work. Requests that fail match `fail` get a 500
// without reaching the server.
type loseAnswers struct {
	next  http.RoundTripper
	match func(r *http.Request, body []byte) bool
	fail  func(r *http.Request) bool
	hang  bool // a lost answer is awaited until the request's context ends (the page goes away)

	mu   sync.Mutex
	left int
	lost int
}

func (l *loseAnswers) RoundTrip(r *http.Request) (*http.Response, error) {
	if l.fail != nil && l.fail(r) {
		return &http.Response{StatusCode: 500, Status: "500 Internal Server Error", Request: r,
			Header: http.Header{"Content-Type": {"application/json"}},
			Body:   io.NopCloser(strings.NewReader(`{"code":"InternalError","message":"injected"}`))}, nil
	}
	var body []byte
	if r.Body != nil && r.ContentLength >= 0 && r.ContentLength < 64<<10 {
		body, _ = io.ReadAll(r.Body)
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	l.mu.Lock()
	lose := l.left > 0 && l.match(r, body)
	if lose {
		l.left--
	}
	l.mu.Unlock()
	resp, err := l.next.RoundTrip(r)
	if err != nil || !lose {
		return resp, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	l.mu.Lock()
	l.lost++ // counted once the server has done the work, not before
	l.mu.Unlock()
	if l.hang {
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	return nil, errors.New("connection reset: the answer was lost")
}

func (l *loseAnswers) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lost
}

// isConfirm matches SMH's confirm, and the function's brokered complete.
func isConfirm(r *http.Request, _ []byte) bool {
	return r.Method == "POST" && (strings.Contains(r.URL.RawQuery, "confirm") || strings.HasSuffix(r.URL.Path, "/complete"))
}

func isFullHashBegin(_ *http.Request, body []byte) bool {
	return bytes.Contains(body, []byte(`"fullHash"`))
}

// lossy is h.config() with a driver whose requests go through l (brokered: the function's).
func (h *harness) lossy(l *loseAnswers) engine.Config {
	if h.broker != nil {
		l.next = h.broker.srv.Client().Transport
		return h.brokered(h.directConfig(), l)
	}
	next := h.client.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	l.next = next
	cfg := h.config()
	cfg.Driver = &engine.SMHDriver{Doer: smhhttp.Doer{Client: &http.Client{Transport: l}}, RequestTimeout: 20 * time.Second}
	return cfg
}

// filesUnder lists the stored paths under dir.
func (h *harness) filesUnder(dir string) []string {
	h.t.Helper()
	files, err := h.emu.Files(lib, "-")
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if strings.HasPrefix(f.Path, dir) {
			out = append(out, f.Path)
		}
	}
	return out
}

// TestLostConfirmAnswer: the server confirmed, but its answer was lost; the retried confirm
// finds no task (UploadNotFound). The engine looks the file up and reports it stored, once:
// for a multipart and a simple upload, at a free name and (rename) beside a file of that name.
func TestLostConfirmAnswer(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		size     int
		occupied bool // a different file holds the name: ours is renamed
	}{
		{"multipart", 3*engine.MiB + 1, false},
		{"simple", 200 << 10, false},
		{"multipart-renamed", 3*engine.MiB + 1, true},
		{"simple-renamed", 200 << 10, true},
	} {
		for _, mode := range modes {
			t.Run(mode+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				h := newModeHarness(t, mode)
				dir := prefix + "lost-" + c.name + "/"
				if c.occupied {
					if err := h.emu.PutFile(lib, "-", dir+"x.bin", []byte("another file")); err != nil {
						t.Fatal(err)
					}
				}
				l := &loseAnswers{match: isConfirm, left: 1}
				e := h.engine(h.lossy(l))
				src := randomSource(t, "x.bin", c.size)
				task, res, err := h.upload(e, src, engine.UploadOptions{Path: "/lost-" + c.name + "/", Conflict: "rename"})
				if err != nil {
					t.Fatalf("upload: %v (lost answers: %d)", err, l.count())
				}
				if l.count() != 1 {
					t.Fatalf("%d answers lost; the test wants 1", l.count())
				}
				want := dir + "x.bin"
				if c.occupied {
					want = dir + "x (1).bin"
				}
				if res.Path != want || res.Name != strings.TrimPrefix(want, dir) || res.Size != src.Size() || res.Rapid {
					t.Fatalf("result %+v; want %s", res, want)
				}
				if task.State() != engine.StateDone {
					t.Fatalf("state %s", task.State())
				}
				h.checkStored(want, src)
				if f := h.file(want); f.CRC64 != res.CRC64 {
					t.Fatalf("crc64 %s; stored %s", res.CRC64, f.CRC64)
				}
				n := 1
				if c.occupied {
					n = 2
				}
				if got := h.filesUnder(dir); len(got) != n {
					t.Fatalf("files %v; want %d", got, n)
				}
				checkMonotonic(t, h.events.of(task.ID()))
			})
		}
	}
}

// TestLostConfirmAnswerThenRetry: every confirm answer is lost until the engine gives up
// (NetworkError); a retry finds the task gone and the file stored, and reports it.
func TestLostConfirmAnswerThenRetry(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			h := newModeHarness(t, mode)
			l := &loseAnswers{match: isConfirm, left: 2}
			cfg := h.lossy(l)
			cfg.Retry.MaxAttempts = 2
			e := h.engine(cfg)
			src := randomSource(t, "y.bin", 3*engine.MiB+7)
			task, _, err := h.upload(e, src, engine.UploadOptions{Path: "/lost-retry/"})
			if engine.Code(err) != engine.CodeNetworkError {
				t.Fatalf("first run: %v; want NetworkError", err)
			}
			if err := task.Retry(); err != nil {
				t.Fatal(err)
			}
			res, err := task.Wait(ctxTimeout(t, time.Minute))
			if err != nil {
				t.Fatalf("retry: %v", err)
			}
			want := prefix + "lost-retry/y.bin"
			if res.Path != want {
				t.Fatalf("result %+v; want %s", res, want)
			}
			h.checkStored(want, src)
			if got := h.filesUnder(prefix + "lost-retry/"); len(got) != 1 {
				t.Fatalf("files %v", got)
			}
		})
	}
}

// TestLostConfirmAnswerUnknown: when the lookup itself fails, the task fails with
// ConfirmUnknown (the file may well be stored), not with UploadNotFound.
func TestLostConfirmAnswerUnknown(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	l := &loseAnswers{match: isConfirm, left: 1, fail: func(r *http.Request) bool {
		return r.Method == "GET" && (strings.Contains(r.URL.Path, "/api/v1/directory/") || strings.Contains(r.URL.RawQuery, "info"))
	}}
	cfg := h.lossy(l)
	cfg.Retry.MaxAttempts = 2
	e := h.engine(cfg)
	_, _, err := h.upload(e, randomSource(t, "z.bin", 100), engine.UploadOptions{Path: "/lost-unknown/"})
	if engine.Code(err) != engine.CodeConfirmUnknown {
		t.Fatalf("err %v; want ConfirmUnknown", err)
	}
}

// TestLostQuickUploadAnswer: a quick upload's final begin (with fullHash) stored the file but
// its 200 answer was lost. Retrying that begin would store a second copy ("b (1).bin" under
// rename, SameNameDirectoryOrFileExists under ask); the engine looks the file up first.
func TestLostQuickUploadAnswer(t *testing.T) {
	t.Parallel()
	for _, conflict := range []string{"rename", "ask", "overwrite"} {
		t.Run(conflict, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			src := randomSource(t, "a.bin", 2*engine.MiB+3)
			if _, _, err := h.upload(h.engine(h.config()), src, engine.UploadOptions{Path: "/quick-src/"}); err != nil {
				t.Fatal(err)
			}
			l := &loseAnswers{match: isFullHashBegin, left: 1}
			e := h.engine(h.lossy(l))
			same := &engine.BytesSource{FileName: "b.bin", Modified: src.Modified + 5, Data: src.Data}
			dir := prefix + "quick-lost-" + conflict + "/"
			_, res, err := h.upload(e, same, engine.UploadOptions{Path: "/quick-lost-" + conflict + "/", Conflict: conflict})
			if err != nil {
				t.Fatalf("upload: %v", err)
			}
			if l.count() != 1 {
				t.Fatalf("%d answers lost; the test wants 1", l.count())
			}
			if !res.Rapid || res.Path != dir+"b.bin" {
				t.Fatalf("result %+v; want rapid at %sb.bin", res, dir)
			}
			if got := h.filesUnder(dir); len(got) != 1 {
				t.Fatalf("files %v; want only %sb.bin", got, dir)
			}
			h.checkStored(dir+"b.bin", same)
		})
	}

	// The same content twice in one folder (rename): the lost answer's copy is "a (1).bin"
	// (the newest match), and no third copy is made.
	t.Run("second-copy", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		src := randomSource(t, "a.bin", 2*engine.MiB+3)
		if _, _, err := h.upload(h.engine(h.config()), src, engine.UploadOptions{Path: "/twice/"}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1100 * time.Millisecond) // creation times one second apart at least
		l := &loseAnswers{match: isFullHashBegin, left: 1}
		_, res, err := h.upload(h.engine(h.lossy(l)), src, engine.UploadOptions{Path: "/twice/", Conflict: "rename"})
		if err != nil {
			t.Fatal(err)
		}
		if l.count() != 1 || !res.Rapid || res.Path != prefix+"twice/a (1).bin" {
			t.Fatalf("lost %d; result %+v; want rapid at a (1).bin", l.count(), res)
		}
		if got := h.filesUnder(prefix + "twice/"); len(got) != 2 {
			t.Fatalf("files %v; want a.bin and a (1).bin", got)
		}
	})
}

// TestLostConfirmAnswerThroughFunction: the same through the token function's /v1/confirm,
// which answers the retried confirm 400 InvalidRequest ("reading the upload task:
// UploadNotFound") once the first one confirmed.
func TestLostConfirmAnswerThroughFunction(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cfg, fn, _ := h.withFunction(t)
	l := &loseAnswers{match: func(r *http.Request, _ []byte) bool { return r.URL.Path == "/v1/confirm" }, left: 1}
	l.next = fn.Doer.(smhhttp.Doer).Client.Transport
	if l.next == nil {
		l.next = http.DefaultTransport
	}
	fn.Doer = smhhttp.Doer{Client: &http.Client{Transport: l}}
	e := h.engine(cfg)
	src := randomSource(t, "f.bin", 3*engine.MiB+1)
	_, res, err := h.upload(e, src, engine.UploadOptions{Path: "/lost-fn/", Conflict: "rename"})
	if err != nil {
		t.Fatalf("upload: %v (lost %d)", err, l.count())
	}
	want := "/users/dev-user/lost-fn/f.bin"
	if l.count() != 1 || res.Path != want {
		t.Fatalf("lost %d; result %+v; want %s", l.count(), res, want)
	}
	h.checkStored(want, src)
	if got := h.filesUnder("/users/dev-user/lost-fn/"); len(got) != 1 {
		t.Fatalf("files %v", got)
	}
}

// TestLostConfirmAnswerReload: the page goes away while the confirm is under way (the
// server confirmed; the answer never arrived). After the reload, resuming the entry finds
// the task gone and the file stored: done, one file, no checkpoint left.
func TestLostConfirmAnswerReload(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			h := newModeHarness(t, mode)
			store := engine.NewMemoryStore()
			l := &loseAnswers{match: isConfirm, left: 1, hang: true}
			cfg := h.lossy(l)
			cfg.Checkpoints = store
			old, err := engine.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			src := randomSource(t, "r.bin", 3*engine.MiB+9)
			task, err := old.UploadWithID(h.id(), src, engine.UploadOptions{Path: "/lost-reload/"})
			if err != nil {
				t.Fatal(err)
			}
			ctx := ctxTimeout(t, time.Minute)
			if st, _ := task.WaitState(ctx, engine.StateConfirming); st != engine.StateConfirming {
				t.Fatalf("state %s", st)
			}
			for l.count() == 0 {
				time.Sleep(10 * time.Millisecond)
			}
			old.Close() // the reload

			cfg = h.config()
			cfg.Checkpoints = store
			again := restoreOnly(t, ctx, h.engine(cfg), src)
			res, err := again.Wait(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := prefix + "lost-reload/r.bin"
			if res.Path != want || again.State() != engine.StateDone {
				t.Fatalf("result %+v state %s; want done at %s", res, again.State(), want)
			}
			h.checkStored(want, src)
			if got := h.filesUnder(prefix + "lost-reload/"); len(got) != 1 {
				t.Fatalf("files %v", got)
			}
			if cps, _ := store.List(ctx); len(cps) != 0 {
				t.Fatalf("checkpoints left: %v", cps)
			}
		})
	}
}
