package engine_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/smh"
	"github.com/ferry-upload/ferry/shared/smhemu"
	"github.com/ferry-upload/ferry/wasm/engine"
)

// TestFaults injects each fault kind of the emulator, seeded, on both planes: every upload
// still ends byte-identical, and the reported fraction never goes backwards.
func TestFaults(t *testing.T) {
	t.Parallel()
	for _, kind := range smhemu.FaultKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			clock := &vclock{}
			cfg := h.config()
			cfg.Clock = clock
			cfg.StallTimeout = 300 * time.Millisecond
			cfg.Driver = &engine.SMHDriver{Doer: cfg.Driver.(*engine.SMHDriver).Doer, RequestTimeout: 300 * time.Millisecond}
			e := h.engine(cfg)
			err := h.emu.SetFaults(smhemu.FaultConfig{Seed: 42,
				DataPlane:    smhemu.PlaneFaults{Rate: 0.3, Kinds: []string{kind}},
				ControlPlane: smhemu.PlaneFaults{Rate: 0.2, Kinds: []string{kind}}})
			if err != nil {
				t.Fatal(err)
			}
			src := randomSource(t, "f.bin", 6*engine.MiB+77)
			task, res, err := h.upload(e, src, engine.UploadOptions{Path: "/faults/"})
			if err != nil {
				t.Fatalf("%v (faults injected: %d)", err, h.emu.Stats().FaultsInjected)
			}
			if h.emu.Stats().FaultsInjected == 0 {
				t.Fatal("no fault was injected")
			}
			_ = h.emu.SetFaults(smhemu.FaultConfig{})
			h.checkStored(res.Path, src)
			checkMonotonic(t, h.events.of(task.ID()))
			if len(clock.slept()) == 0 {
				t.Fatal("no backoff")
			}
		})
	}
}

// TestRetryAfter: a 429 (and a 503) with Retry-After is retried no sooner than it says.
func TestRetryAfter(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	clock := &vclock{}
	cfg := h.config()
	cfg.Clock = clock
	base := cfg.Driver.(*engine.SMHDriver).Doer
	var refused atomic.Int32
	cfg.Driver = &engine.SMHDriver{Doer: doerFunc(func(ctx context.Context, r *smh.Request) (*smh.Response, error) {
		if r.Method == "POST" && refused.Add(1) <= 2 { // the first two POSTs: begin, then its retry
			return &smh.Response{StatusCode: 429, Header: map[string]string{"retry-after": "7"},
				Body: []byte(`{"code":"TooManyRequests","message":"slow down"}`)}, nil
		}
		return base.Do(ctx, r)
	})}
	e := h.engine(cfg)
	src := randomSource(t, "f.bin", 2*engine.MiB)
	if _, _, err := h.upload(e, src, engine.UploadOptions{Path: "/ra/"}); err != nil {
		t.Fatal(err)
	}
	slept := clock.slept()
	if len(slept) < 2 || slept[0] < 7*time.Second || slept[1] < 7*time.Second {
		t.Fatalf("slept %v; want two waits of at least Retry-After (7s)", slept)
	}
}

// TestFatalClientError: a 4xx other than the recoverable ones fails the file at once with
// the server's code and message.
func TestFatalClientError(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.grants = []string{"upload_file"} // no create_directory: DirectoryNotFound stays
	e := h.engine(h.config())
	src := randomSource(t, "f.bin", 10)
	task, _, err := h.upload(e, src, engine.UploadOptions{Path: "/no/such/dir/"})
	if engine.Code(err) != smh.CodeDirectoryNotFound {
		t.Fatalf("err %v; want DirectoryNotFound", err)
	}
	if task.State() != engine.StateFailed || task.Err().Message == "" || task.Snapshot().Error.Code != smh.CodeDirectoryNotFound {
		t.Fatalf("state %s, snapshot error %+v", task.State(), task.Snapshot().Error)
	}
	if n := h.requests("{filePath}", "404"); n != 1 {
		t.Fatalf("begin refused %d times; want once (no retry of a 4xx)", n)
	}
}

// TestStallWatchdog: a part whose connection stalls is aborted by the watchdog and sent
// again, long before the emulator would end the stall itself; a part whose answer is merely
// slow (every data-plane request waits 300 ms first, as on a busy machine) is not aborted.
// The stall timeout is ten times that wait: a busy CI machine keeps a healthy part silent
// longer than an idle one, and the watchdog must not take that for a stall.
func TestStallWatchdog(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cfg := h.config()
	cfg.StallTimeout = 3 * time.Second
	cfg.Clock = &vclock{}
	e := h.engine(cfg)
	const stallFor = 90 * time.Second // within h.upload's deadline, far beyond the watchdog's
	if err := h.emu.SetFaults(smhemu.FaultConfig{Seed: 3, Latency: smhemu.Duration(300 * time.Millisecond),
		StallFor: smhemu.Duration(stallFor), DataPlane: smhemu.PlaneFaults{Rate: 0.5, Kinds: []string{"stall"}}}); err != nil {
		t.Fatal(err)
	}
	src := randomSource(t, "s.bin", 4*engine.MiB)
	start := time.Now()
	_, res, err := h.upload(e, src, engine.UploadOptions{Path: "/stall/"})
	if err != nil {
		t.Fatal(err)
	}
	// (The emulator records a stall in its stats only when the stall ends, so count faults.)
	stalls := h.emu.Stats().FaultsInjected
	if stalls == 0 {
		t.Fatal("no part stalled")
	}
	if took := time.Since(start); took >= stallFor {
		t.Fatalf("took %v: the stalls were not cut short (the emulator ends them after %v)", took, stallFor)
	}
	if puts := h.requests("?partNumber&uploadId", ""); puts != 4+stalls {
		t.Fatalf("%d part requests for 4 parts and %d stalls: a slow part was taken for a stall", puts, stalls)
	}
	h.checkStored(res.Path, src)
}

type doerFunc func(ctx context.Context, r *smh.Request) (*smh.Response, error)

func (f doerFunc) Do(ctx context.Context, r *smh.Request) (*smh.Response, error) { return f(ctx, r) }
