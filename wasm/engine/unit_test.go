package engine

import (
	"context"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/smh"
)

func TestBackoff(t *testing.T) {
	b := Backoff{Base: 100 * time.Millisecond, Max: 2 * time.Second, Seed: 99}.withDefaults()
	c := Backoff{Base: 100 * time.Millisecond, Max: 2 * time.Second, Seed: 99}.withDefaults()
	for n := range 40 {
		ceiling := 2 * time.Second
		if n < 5 {
			ceiling = 100 * time.Millisecond << n
		}
		d := b.Delay(n, 0)
		if d < 0 || d >= ceiling {
			t.Fatalf("retry %d: %v outside [0, %v)", n, d, ceiling)
		}
		if d2 := c.Delay(n, 0); d2 != d {
			t.Fatalf("same seed, retry %d: %v then %v", n, d, d2)
		}
	}
	if d := b.Delay(0, 5*time.Second); d != 5*time.Second {
		t.Fatalf("Retry-After 5s gave %v", d)
	}
	// Full jitter: over many draws the mean is about half the ceiling.
	var sum time.Duration
	for range 2000 {
		sum += b.Delay(10, 0)
	}
	if mean := sum / 2000; mean < 800*time.Millisecond || mean > 1200*time.Millisecond {
		t.Fatalf("mean delay %v; want about 1s (half of the 2s cap)", mean)
	}
}

// TestRecoverNoRealSleep: the retry loop backs off through the clock, never really.
func TestRecoverNoRealSleep(t *testing.T) {
	clock := &countingClock{}
	e := &Engine{cfg: Config{Clock: clock, Driver: &SMHDriver{}}, opts: Options{Retry: Backoff{Base: time.Hour, Max: 10 * time.Hour, MaxAttempts: 4}}.withDefaults()}
	ctx := context.Background()
	var a attempts
	start := time.Now()
	err5xx := &smh.Error{Status: 503, Code: "ServiceUnavailable"}
	for i := range 3 {
		if err := e.recover(ctx, e.cfg.Driver, err5xx, &a, nil, nil); err != nil {
			t.Fatalf("retry %d: %v", i, err)
		}
	}
	if err := e.recover(ctx, e.cfg.Driver, err5xx, &a, nil, nil); err != err5xx {
		t.Fatalf("after MaxAttempts: %v", err)
	}
	if time.Since(start) > time.Second || clock.n.Load() != 3 {
		t.Fatalf("slept %d times through the clock in %v", clock.n.Load(), time.Since(start))
	}
	if err := e.recover(ctx, e.cfg.Driver, &smh.Error{Status: 404, Code: "FileNotFound"}, &attempts{}, nil, nil); Code(err) != "FileNotFound" {
		t.Fatalf("a 404 is not retried: %v", err)
	}
}

type countingClock struct{ n atomic.Int32 }

func (c *countingClock) Now() time.Time { return time.Now() }
func (c *countingClock) Sleep(ctx context.Context, d time.Duration) error {
	c.n.Add(1)
	return ctx.Err()
}
func (c *countingClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}

func TestClassify(t *testing.T) {
	d := &SMHDriver{}
	for _, c := range []struct {
		err  error
		want Fault
	}{
		{&smh.NetworkError{Op: "x", Err: errors.New("reset")}, FaultRetry},
		{&smh.Error{Status: 500, Code: "InternalError"}, FaultRetry},
		{&smh.Error{Status: 503, Code: "ServiceUnavailable"}, FaultRetry},
		{&smh.Error{Status: 429, Code: "RateLimited"}, FaultRetry},
		{&smh.Error{Status: 403, Code: "AccessDenied", Message: "Request has expired"}, FaultRenew},
		{&smh.Error{Status: 403, Code: "AccessDenied", Message: "Access Denied."}, FaultFatal},
		{&smh.Error{Status: 403, Code: "InvalidAccessToken"}, FaultRefreshToken},
		{&smh.Error{Status: 409, Code: "SameNameDirectoryOrFileExists"}, FaultFatal},
		{&smh.Error{Status: 404, Code: "DirectoryNotFound"}, FaultFatal},
	} {
		if got := d.Classify(c.err); got != c.want {
			t.Errorf("%v: %v, want %v", c.err, got, c.want)
		}
	}
	e := &Engine{cfg: Config{Driver: d}}
	ctx := context.Background()
	for _, err := range []error{&readError{Err: errors.New("NotReadableError")}, errStalled, &checksumError{}, errNetwork} {
		if got := e.classify(ctx, d, err); got != FaultRetry {
			t.Errorf("%v: %v, want retry", err, got)
		}
	}
	if got := e.classify(ctx, d, newError(CodeBusy, "x")); got != FaultFatal {
		t.Errorf("Busy: %v", got)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if got := e.classify(cctx, d, errNetwork); got != FaultCanceled {
		t.Errorf("canceled: %v", got)
	}
}

func TestAsError(t *testing.T) {
	for _, c := range []struct {
		err  error
		code string
	}{
		{&smh.Error{Status: 409, Code: "SameNameDirectoryOrFileExists", Message: "exists", RequestID: "r1"}, "SameNameDirectoryOrFileExists"},
		{&smh.NetworkError{Op: "begin", Err: errors.New("refused")}, CodeNetworkError},
		{errStalled, CodeStalled},
		{&readError{Err: errors.New("NotReadableError")}, CodeReadError},
		{&checksumError{Part: 2}, CodeChecksumMismatch},
		{context.Canceled, CodeCanceled},
		{errors.New("boom"), CodeInternal},
		{newError(CodeFileChanged, "x"), CodeFileChanged},
	} {
		e := AsError(c.err)
		if e.Code != c.code || e.Message == "" {
			t.Errorf("%v: %+v, want code %s and a message", c.err, e, c.code)
		}
		if Code(c.err) != c.code {
			t.Errorf("Code(%v) = %s", c.err, Code(c.err))
		}
	}
	se := AsError(&smh.Error{Status: 409, Code: "X", Message: "m", RequestID: "r1"})
	if se.Status != 409 || se.RequestID != "r1" || se.Message != "m" {
		t.Fatalf("server fields lost: %+v", se)
	}
	if !errors.Is(newError(CodeBusy, "held"), ErrBusy) || errors.Is(newError(CodeBusy, "x"), ErrFileChanged) {
		t.Fatal("Is compares codes")
	}
}

func TestPlan(t *testing.T) {
	o := Options{}.withDefaults()
	for _, c := range []struct {
		size      int64
		multipart bool
		partSize  int64
		count     int
	}{
		{0, false, 0, 1},
		{8 * MiB, false, 8 * MiB, 1},
		{8*MiB + 1, true, 8 * MiB, 2},
		{80 * 1000 * MiB, true, 8 * MiB, 10000},
		{80*1000*MiB + 1, true, 9 * MiB, 8889},
		{1 << 40, true, 105 * MiB, 9987},
	} {
		p := makePlan(c.size, o)
		if p.multipart != c.multipart || p.partSize != c.partSize || p.count() != c.count {
			t.Errorf("size %d: %+v count %d; want multipart %v part %d count %d", c.size, p, p.count(), c.multipart, c.partSize, c.count)
		}
		if p.count() > MaxParts {
			t.Errorf("size %d: %d parts", c.size, p.count())
		}
		var total int64
		for n := p.first(); n <= p.last(); n++ {
			_, l := p.span(n)
			total += l
		}
		if total != c.size {
			t.Errorf("size %d: parts sum to %d", c.size, total)
		}
	}
}

func TestTargetPath(t *testing.T) {
	for _, c := range []struct{ prefix, page, name, want string }{
		{"/users/u/", "/uploads/", "a.bin", "/users/u/uploads/a.bin"},
		{"/users/u/", "/uploads/a (2).bin", "x", "/users/u/uploads/a (2).bin"},
		{"/users/u/", "", "a.bin", "/users/u/a.bin"},
		{"", "/a/b.txt", "x", "/a/b.txt"},
		{"/users/u", "../../etc/passwd", "x", "/users/u/etc/passwd"},
		{"/users/u/", "/a/../../../b/", "c", "/users/u/b/c"},
		{"/users/u/", "/a//./b/", "c/d", "/users/u/a/b/c_d"},
	} {
		got, err := targetPath(c.prefix, c.page, c.name)
		if err != nil || got != c.want {
			t.Errorf("targetPath(%q, %q, %q) = %q, %v; want %q", c.prefix, c.page, c.name, got, err, c.want)
		}
	}
	for _, c := range []struct{ page, name string }{{"/", ".."}, {"/", ""}, {"/..", "."}} {
		if _, err := targetPath("/p/", c.page, c.name); Code(err) != CodeInvalidOptions {
			t.Errorf("targetPath(%q, %q): %v; want InvalidOptions", c.page, c.name, err)
		}
	}
}

func TestTypeAllowedAndMeta(t *testing.T) {
	pats := []string{"image/*", ".pdf", "text/plain"}
	for _, c := range []struct {
		name, mime string
		ok         bool
	}{
		{"a.png", "image/png", true}, {"a.PDF", "", true}, {"a.txt", "text/plain", true},
		{"a.txt", "text/html", false}, {"a.exe", "", false}, {"img", "image/heic", true},
	} {
		if got := typeAllowed(pats, lower(c.name), c.mime); got != c.ok {
			t.Errorf("%s %s: %v", c.name, c.mime, got)
		}
	}
	m := metaKeys(map[string]string{"X-SMH-Meta-Owner": "a", "k": "b", "x-smh-meta-": "dropped"})
	if len(m) != 2 || m["owner"] != "a" || m["k"] != "b" {
		t.Fatalf("metaKeys: %v", m)
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func TestStates(t *testing.T) {
	ok := [][2]State{{StateQueued, StateHashing}, {StateHashing, StateBeginning}, {StateBeginning, StateHashing},
		{StateBeginning, StateRapid}, {StateUploading, StateConfirming}, {StateConfirming, StateDone},
		{StateUploading, StatePaused}, {StatePaused, StateQueued}, {StateFailed, StateQueued}, {StatePaused, StateCanceled}}
	for _, c := range ok {
		if !CanTransition(c[0], c[1]) {
			t.Errorf("%s → %s refused", c[0], c[1])
		}
	}
	bad := [][2]State{{StateDone, StateQueued}, {StateCanceled, StateQueued}, {StateRapid, StateFailed},
		{StateUploading, StateRapid}, {StateUploading, StateDone}, {StatePaused, StateUploading}, {StateQueued, StateDone}}
	for _, c := range bad {
		if CanTransition(c[0], c[1]) {
			t.Errorf("%s → %s allowed", c[0], c[1])
		}
	}
	for _, s := range []State{StateDone, StateRapid, StateCanceled} {
		if !s.Terminal() || len(transitions[s]) != 0 {
			t.Errorf("%s must be terminal", s)
		}
	}
}

// TestTokenSingleFlight: many parts refused with the same stale token cause one fetch.
func TestTokenSingleFlight(t *testing.T) {
	var fetches atomic.Int32
	gate := make(chan struct{})
	src := TokenSourceFunc(func(ctx context.Context) (*Token, error) {
		n := fetches.Add(1)
		if n > 1 {
			<-gate
		}
		return &Token{AccessToken: string(rune('a' + n)), ExpiresIn: 3600}, nil
	})
	c := &tokenCache{src: src, clock: SystemClock{}}
	ctx := context.Background()
	first, err := c.get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make([]*Token, 16)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = c.refresh(ctx, first)
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(gate)
	wg.Wait()
	if n := fetches.Load(); n != 2 {
		t.Fatalf("%d fetches; want 2", n)
	}
	for _, tok := range got {
		if tok == nil || tok == first || tok != got[0] {
			t.Fatalf("callers got different tokens: %v", got)
		}
	}
	// A late caller holding the old token gets the new one without a fetch.
	if tok, _ := c.refresh(ctx, first); tok != got[0] || fetches.Load() != 2 {
		t.Fatal("a stale refresh fetched again")
	}
}

func TestTokenRefreshAhead(t *testing.T) {
	clock := &manualClock{now: time.Unix(1e9, 0)}
	var fetches atomic.Int32
	c := &tokenCache{clock: clock, src: TokenSourceFunc(func(context.Context) (*Token, error) {
		fetches.Add(1)
		return &Token{AccessToken: "x", ExpiresIn: 600}, nil
	})}
	ctx := context.Background()
	c.get(ctx)
	clock.now = clock.now.Add(8 * time.Minute)
	c.get(ctx)
	if fetches.Load() != 1 {
		t.Fatal("refetched a token with 2 minutes left")
	}
	clock.now = clock.now.Add(90 * time.Second)
	c.get(ctx)
	if fetches.Load() != 2 {
		t.Fatal("kept a token with 30 s left")
	}
}

type manualClock struct{ now time.Time }

func (c *manualClock) Now() time.Time { return c.now }
func (c *manualClock) Sleep(ctx context.Context, d time.Duration) error {
	c.now = c.now.Add(d)
	return nil
}
func (c *manualClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}

func TestProgress(t *testing.T) {
	p := progress{size: 100}
	p.setInflight(1, 40)
	if f := p.fraction(false); f != 0.4 {
		t.Fatalf("fraction %v", f)
	}
	p.clearInflight(1) // the attempt failed: loaded drops, the fraction does not
	if p.loaded() != 0 || p.fraction(false) != 0.4 {
		t.Fatalf("loaded %d fraction %v", p.loaded(), p.fraction(false))
	}
	p.setInflight(1, 50)
	p.ack(1, 50)
	if p.loaded() != 50 || p.fraction(false) != 0.5 || p.moved != 90 {
		t.Fatalf("loaded %d fraction %v moved %d", p.loaded(), p.fraction(false), p.moved)
	}
	if p.rate() != nil || p.eta() != nil {
		t.Fatal("speed known before two samples")
	}
	t0 := time.Unix(0, 0)
	p.sample(t0)
	p.moved += 100
	p.sample(t0.Add(time.Second))
	if r := p.rate(); r == nil || math.Abs(*r-100) > 1e-9 {
		t.Fatalf("rate %v", r)
	}
	if e := p.eta(); e == nil || math.Abs(*e-0.5) > 1e-9 {
		t.Fatalf("eta %v", e)
	}
	if p.fraction(true) != 1 {
		t.Fatal("done is 1")
	}
}

// TestWatchdog: progress keeps it quiet, silence fires it, stop silences it. On the step
// clock (watchdog_test.go): with the real one a busy machine's late sleep looked like a stall.
func TestWatchdog(t *testing.T) {
	c := &stepClock{}
	fired := 0
	w := startWatchdog(c, 30*time.Millisecond, func() { fired++ })
	for at := 15 * time.Millisecond; at <= 75*time.Millisecond; at += 15 * time.Millisecond {
		c.advanceTo(at)
		w.touch()
	}
	if fired != 0 {
		t.Fatal("fired despite progress")
	}
	c.advanceTo(75*time.Millisecond + time.Second)
	if fired != 1 {
		t.Fatalf("fired %d times without progress; want once", fired)
	}
	w.stop()
	quiet := startWatchdog(c, 10*time.Millisecond, func() { t.Error("fired after stop") })
	quiet.stop()
	c.advanceTo(2 * time.Second)
}

func TestCheckpointCodec(t *testing.T) {
	ctx := context.Background()
	kv := &MemoryKV{}
	s := KVStore{KV: kv}
	cp := &Checkpoint{V: CheckpointVersion, ID: "cp-1", Name: "a", Size: 3, Parts: []PartRecord{{N: 1, Size: 3, CRC64: math.MaxUint64}}}
	if err := s.Save(ctx, cp); err != nil {
		t.Fatal(err)
	}
	v, _, _ := kv.Get(ctx, "cp-1")
	if want := `"c":"18446744073709551615"`; !contains(v, want) {
		t.Fatalf("CRC-64 must be a JSON string (JS numbers lose precision): %s", v)
	}
	got, err := s.Load(ctx, "cp-1")
	if err != nil || got.Parts[0].CRC64 != math.MaxUint64 {
		t.Fatalf("%+v %v", got, err)
	}
	kv.Put(ctx, "junk", "{not json")
	kv.Put(ctx, "old", `{"v":0,"id":"old"}`)
	list, err := s.List(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("list %v %v", list, err)
	}
	if missing, err := s.Load(ctx, "nope"); missing != nil || err != nil {
		t.Fatal("a missing checkpoint is nil, nil")
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
