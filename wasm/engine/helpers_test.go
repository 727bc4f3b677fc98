package engine_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/smh"
	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
	"github.com/ferry-upload/ferry/shared/smhemu"
	"github.com/ferry-upload/ferry/wasm/engine"
	"github.com/ferry-upload/ferry/wasm/engine/native"
)

const (
	lib    = "smhdev"
	secret = "devsecret"
	prefix = "/t/"
)

// directGrants may begin, confirm and create directories: quick upload applies.
var directGrants = []string{"upload_file", "create_directory"}

// harness is one emulator (over real HTTP on loopback) and the seams to build engines on it.
type harness struct {
	t      *testing.T
	srv    *smhemu.Server
	emu    *smhemu.Emulator
	client *http.Client

	grants  []string
	confirm string
	user    string
	period  int

	tokenFetches atomic.Int32
	events       *eventLog
	ids          atomic.Int32

	broker *broker // set: config() uploads brokered, through the real function
}

// id is a task id unique within the harness (its event log is shared by its engines).
func (h *harness) id() string { return fmt.Sprintf("h%d", h.ids.Add(1)) }

func newHarness(t *testing.T, opts ...func(*smhemu.Options)) *harness {
	t.Helper()
	o := smhemu.Options{}
	for _, f := range opts {
		f(&o)
	}
	srv, err := smhemu.NewServer(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return &harness{t: t, srv: srv, emu: srv.Emulator(), client: srv.HTTPClient(), grants: directGrants,
		confirm: engine.ConfirmDirect, user: "u1", events: &eventLog{}}
}

// tokens mints tokens straight from the emulator's token API, in the token function's
// answer shape (interfaces.md §3).
func (h *harness) tokens() engine.TokenSource {
	c := &smh.Client{BaseURL: h.srv.URL(), LibraryID: lib, Doer: smhhttp.Doer{Client: h.client}}
	return engine.TokenSourceFunc(func(ctx context.Context) (*engine.Token, error) {
		h.tokenFetches.Add(1)
		ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond) // a stalled token call is retried
		defer cancel()
		tok, err := c.CreateToken(ctx, smh.TokenRequest{Secret: secret, UserID: h.user, Grants: h.grants, Period: h.period})
		if err != nil {
			return nil, err
		}
		return &engine.Token{AccessToken: tok.AccessToken, ExpiresIn: tok.ExpiresIn, LibraryID: lib, SpaceID: "-",
			APIBase: h.srv.URL(), UserID: h.user, Grants: h.grants, Confirm: h.confirm,
			Limits: engine.Limits{PathPrefix: prefix}}, nil
	})
}

// config is an engine configuration on the harness, in the harness's mode; small parts
// keep tests fast.
func (h *harness) config() engine.Config {
	cfg := h.directConfig()
	if h.broker != nil {
		cfg = h.brokered(cfg, nil)
	}
	return cfg
}

func (h *harness) directConfig() engine.Config {
	return engine.Config{
		Options: engine.Options{PartSize: engine.MiB, SimpleThreshold: engine.MiB,
			Retry: engine.Backoff{Base: time.Millisecond, Max: 20 * time.Millisecond, Seed: 7}},
		Tokens:  h.tokens(),
		Driver:  &engine.SMHDriver{Doer: smhhttp.Doer{Client: h.client}, RequestTimeout: 20 * time.Second},
		Sender:  native.Sender{Client: h.client},
		Hasher:  native.Hasher{},
		OnEvent: h.events.add,
	}
}

func (h *harness) engine(cfg engine.Config) *engine.Engine {
	h.t.Helper()
	e, err := engine.New(cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(e.Close)
	return e
}

// upload runs one file to its end.
func (h *harness) upload(e *engine.Engine, src engine.Source, opts engine.UploadOptions) (*engine.Task, *engine.Result, error) {
	h.t.Helper()
	task, err := e.UploadWithID(h.id(), src, opts)
	if err != nil {
		h.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := task.Wait(ctx)
	return task, res, err
}

// file returns the emulator's record of a stored file.
func (h *harness) file(path string) smhemu.FileInfo {
	h.t.Helper()
	files, err := h.emu.Files(lib, "-")
	if err != nil {
		h.t.Fatal(err)
	}
	for _, f := range files {
		if f.Path == path {
			return f
		}
	}
	h.t.Fatalf("no file %s among %v", path, files)
	return smhemu.FileInfo{}
}

// checkStored asserts the file at path holds exactly src's bytes.
func (h *harness) checkStored(path string, src engine.Source) {
	h.t.Helper()
	f := h.file(path)
	if f.Size != src.Size() || f.SHA256 != sha256Of(h.t, src) {
		h.t.Fatalf("%s: stored %d bytes sha256 %s; want %d bytes sha256 %s", path, f.Size, f.SHA256, src.Size(), sha256Of(h.t, src))
	}
}

func (h *harness) openUploads() []smhemu.UploadInfo {
	h.t.Helper()
	ups, err := h.emu.OpenUploads(lib, "-")
	if err != nil {
		h.t.Fatal(err)
	}
	return ups
}

// requests counts the emulator's requests whose route contains what, by outcome ("" = all).
func (h *harness) requests(what, outcome string) uint64 {
	var n uint64
	for route, m := range h.emu.Stats().Requests {
		if !strings.Contains(route, what) {
			continue
		}
		for o, c := range m {
			if outcome == "" || o == outcome {
				n += c
			}
		}
	}
	return n
}

func sha256Of(t *testing.T, src engine.Source) string {
	t.Helper()
	h := sha256.New()
	buf := make([]byte, engine.MiB)
	for off := int64(0); off < src.Size(); off += int64(len(buf)) {
		n := min(int64(len(buf)), src.Size()-off)
		if _, err := src.ReadAt(buf[:n], off); err != nil && int64(len(buf[:n])) != n {
			t.Fatal(err)
		}
		h.Write(buf[:n])
	}
	return hex.EncodeToString(h.Sum(nil))
}

func randomSource(t *testing.T, name string, size int) *engine.BytesSource {
	t.Helper()
	b := make([]byte, size)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return &engine.BytesSource{FileName: name, Modified: 1_700_000_000_000, Data: b}
}

// patternSource is a large file that occupies no memory: byte i is block[i mod len(block)].
type patternSource struct {
	name  string
	size  int64
	block []byte
}

func newPatternSource(name string, size int64) *patternSource {
	block := make([]byte, engine.MiB+7) // not a multiple of any part size
	_, _ = rand.Read(block)
	return &patternSource{name: name, size: size, block: block}
}

func (p *patternSource) ReadAt(b []byte, off int64) (int, error) {
	if off >= p.size {
		return 0, errors.New("EOF")
	}
	n := 0
	for n < len(b) && off+int64(n) < p.size {
		i := (off + int64(n)) % int64(len(p.block))
		c := copy(b[n:], p.block[i:])
		c = int(min(int64(c), p.size-off-int64(n)))
		n += c
	}
	return n, nil
}
func (p *patternSource) Size() int64         { return p.size }
func (p *patternSource) Name() string        { return p.name }
func (p *patternSource) LastModified() int64 { return 1_700_000_000_000 }

// eventLog collects engine events.
type eventLog struct {
	mu     sync.Mutex
	events []engine.Event
}

func (l *eventLog) add(e engine.Event) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

func (l *eventLog) of(taskID string) []engine.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []engine.Event
	for _, e := range l.events {
		if e.Task.ID == taskID {
			out = append(out, e)
		}
	}
	return out
}

// checkMonotonic asserts a task's reported fraction never decreased and ended at 1.
func checkMonotonic(t *testing.T, evs []engine.Event) {
	t.Helper()
	last := -1.0
	for i, e := range evs {
		if e.Task.Fraction < last {
			t.Fatalf("event %d (%s %s): fraction %.4f after %.4f", i, e.Kind, e.Task.State, e.Task.Fraction, last)
		}
		if e.Task.Loaded > e.Task.Size {
			t.Fatalf("event %d: loaded %d > size %d", i, e.Task.Loaded, e.Task.Size)
		}
		last = e.Task.Fraction
	}
	if last != 1 {
		t.Fatalf("final fraction %.4f, want 1", last)
	}
}

// vclock is a virtual clock: Sleep records and returns at once, moving Now forward.
type vclock struct {
	mu     sync.Mutex
	offset time.Duration
	sleeps []time.Duration
}

func (c *vclock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *vclock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.offset += d
	c.sleeps = append(c.sleeps, d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *vclock) AfterFunc(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }

func (c *vclock) advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

func (c *vclock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// senderFunc adapts a function to engine.PartSender.
type senderFunc func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error)

func (f senderFunc) SendPart(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
	return f(ctx, req)
}

// partNumber reads partNumber from a data-plane URL (0 for a simple upload).
func partNumber(url string) int {
	i := strings.Index(url, "partNumber=")
	if i < 0 {
		return 0
	}
	var n int
	fmt.Sscanf(url[i+len("partNumber="):], "%d", &n)
	return n
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// restoreOnly lists what e can restore, which must be exactly one upload, and resumes it
// with src: what every reload test does after its page went away.
func restoreOnly(t *testing.T, ctx context.Context, e *engine.Engine, src engine.Source) *engine.Task {
	t.Helper()
	list, err := e.Restorable(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("restorable after the reload: %+v %v", list, err)
	}
	task, err := e.Restore(ctx, list[0].ID, src, engine.UploadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return task
}
