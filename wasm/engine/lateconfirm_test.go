package engine_test

import (
	"context"
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

// heldConfirm is the old page's transport: its confirm is held on the way to the server
// until release is closed, then delivered (even though the page went away meanwhile), and
// its answer lost. landed is closed once the server has handled it; closing drop instead
// loses the confirm on the way.
type heldConfirm struct {
	next    http.RoundTripper
	held    chan struct{}
	release chan struct{}
	drop    chan struct{}
	landed  chan struct{}
	once    sync.Once
}

func newHeldConfirm(next http.RoundTripper) *heldConfirm {
	return &heldConfirm{next: next, held: make(chan struct{}), release: make(chan struct{}),
		drop: make(chan struct{}), landed: make(chan struct{})}
}

func (h *heldConfirm) RoundTrip(r *http.Request) (*http.Response, error) {
	if !isConfirm(r, nil) {
		return h.next.RoundTrip(r)
	}
	first := false
	h.once.Do(func() { first = true })
	if !first {
		return nil, errors.New("the test holds one confirm only")
	}
	late := r.Clone(context.WithoutCancel(r.Context())) // on the wire: the reload does not stop it
	deliver := make(chan struct{})
	go func() {
		defer close(deliver)
		select {
		case <-h.release:
		case <-h.drop:
			return
		}
		if resp, err := h.next.RoundTrip(late); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		close(h.landed)
	}()
	close(h.held)
	select {
	case <-deliver:
	case <-r.Context().Done():
	}
	return nil, errors.New("connection reset: the confirm's answer was lost")
}

// hookTransport runs do once, at the first request that matches: before it goes on, or
// (after) once the server has answered it.
type hookTransport struct {
	next  http.RoundTripper
	match func(r *http.Request) bool
	after bool
	do    func()
	once  sync.Once
}

func (h *hookTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !h.match(r) {
		return h.next.RoundTrip(r)
	}
	if !h.after {
		h.once.Do(h.do)
	}
	resp, err := h.next.RoundTrip(r)
	if h.after {
		h.once.Do(h.do)
	}
	return resp, err
}

func isTaskRead(r *http.Request) bool {
	return r.Method == "GET" && strings.Contains(r.URL.RawQuery, "upload")
}

func isConfirmReq(r *http.Request) bool { return isConfirm(r, nil) }

// TestLateConfirmAfterReload: the page goes away while its confirm is on the wire; the
// confirm reaches the server at some moment of the resume in the next page. Whenever it
// lands, the resume ends done with the one file at its path: it never begins again (which
// stores "r (1).bin" beside it) nor fails on the task it finds gone. A confirm that never
// lands leaves the resume to confirm.
func TestLateConfirmAfterReload(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		size  int
		match func(r *http.Request) bool // the resume's request at which the old confirm lands
		after bool                       // after the server answered it (else before it goes)
		never bool                       // the old confirm never lands
	}{
		{"multipart/before-read", 3*engine.MiB + 9, isTaskRead, false, false},
		{"multipart/after-read", 3*engine.MiB + 9, isTaskRead, true, false},
		{"multipart/before-confirm", 3*engine.MiB + 9, isConfirmReq, false, false},
		{"multipart/never", 3*engine.MiB + 9, nil, false, true},
		{"simple/before-read", 600 << 10, isTaskRead, false, false},
		{"simple/after-read", 600 << 10, isTaskRead, true, false},
		{"simple/before-confirm", 600 << 10, isConfirmReq, false, false},
		{"simple/never", 600 << 10, nil, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			ctx := ctxTimeout(t, time.Minute)
			store := engine.NewMemoryStore()
			next := h.client.Transport
			if next == nil {
				next = http.DefaultTransport
			}
			hold := newHeldConfirm(next)
			t.Cleanup(func() { close(hold.drop) }) // a confirm still held is lost on the way
			cfg := h.config()
			cfg.Checkpoints = store
			cfg.Driver = &engine.SMHDriver{Doer: smhhttp.Doer{Client: &http.Client{Transport: hold}}, RequestTimeout: 20 * time.Second}
			old, err := engine.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			src := randomSource(t, "r.bin", c.size)
			dir := "/" + strings.ReplaceAll(c.name, "/", "-") + "/"
			if _, err := old.UploadWithID(h.id(), src, engine.UploadOptions{Path: dir}); err != nil {
				t.Fatal(err)
			}
			select {
			case <-hold.held:
			case <-ctx.Done():
				t.Fatal("the confirm was never sent")
			}
			old.Close() // the reload, with the confirm on the wire

			cfg = h.config()
			cfg.Checkpoints = store
			hook := &hookTransport{next: next, match: func(*http.Request) bool { return false }}
			if !c.never {
				hook.match, hook.after = c.match, c.after
				hook.do = func() {
					close(hold.release)
					select {
					case <-hold.landed:
					case <-ctx.Done():
					}
				}
			}
			cfg.Driver = &engine.SMHDriver{Doer: smhhttp.Doer{Client: &http.Client{Transport: hook}}, RequestTimeout: 20 * time.Second}
			again := restoreOnly(t, ctx, h.engine(cfg), src)
			res, err := again.Wait(ctx)
			if err != nil {
				t.Fatalf("resume: %v (files %v)", err, h.filesUnder(prefix+dir[1:]))
			}
			if !c.never {
				select {
				case <-hold.landed:
				default:
					t.Fatal("the old confirm never reached the server: the test missed its moment")
				}
			}
			want := prefix + dir[1:] + "r.bin"
			if res.Path != want || again.State() != engine.StateDone {
				t.Fatalf("result %+v state %s; want done at %s", res, again.State(), want)
			}
			if got := h.filesUnder(prefix + dir[1:]); len(got) != 1 {
				t.Fatalf("files %v; want %s only", got, want)
			}
			h.checkStored(want, src)
			if ups := h.openUploads(); len(ups) != 0 {
				t.Fatalf("open upload tasks: %+v", ups)
			}
			if cps, _ := store.List(ctx); len(cps) != 0 {
				t.Fatalf("checkpoints left: %v", cps)
			}
		})
	}
}
