package engine_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// holdAfter sends the first n parts through next; later parts hang until their context ends
// (a page that is about to reload). started is closed when the first part hangs.
func holdAfter(next engine.PartSender, n int32, started chan struct{}) engine.PartSender {
	var sent atomic.Int32
	var once sync.Once
	return senderFunc(func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
		if sent.Add(1) > n {
			once.Do(func() { close(started) })
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return next.SendPart(ctx, req)
	})
}

// recordParts records the part numbers sent.
type partLog struct {
	mu    sync.Mutex
	parts []int
}

func (l *partLog) sender(next engine.PartSender) engine.PartSender {
	return senderFunc(func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
		l.mu.Lock()
		l.parts = append(l.parts, partNumber(req.URL))
		l.mu.Unlock()
		return next.SendPart(ctx, req)
	})
}

func (l *partLog) sorted() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := slices.Clone(l.parts)
	slices.Sort(s)
	return slices.Compact(s)
}

// interrupted starts an upload of src on a fresh engine over store, lets three parts through
// and then closes the engine, as a reload would.
func interrupted(t *testing.T, h *harness, store engine.CheckpointStore, src engine.Source, path string) {
	t.Helper()
	cfg := h.config()
	cfg.Concurrency = 1
	cfg.Checkpoints = store
	started := make(chan struct{})
	cfg.Sender = holdAfter(cfg.Sender, 3, started)
	e, err := engine.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.UploadWithID(h.id(), src, engine.UploadOptions{Path: path}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(time.Minute):
		t.Fatal("the upload never reached its fourth part")
	}
	e.Close()
}

// TestResumeChangedPart: a reload interrupts an upload after three parts; then the bytes of
// part 2 change (same name, size and last-modified). Resuming re-reads the parts the
// checkpoint says were sent, keeps parts 1 and 3, sends part 2 again and the rest, and
// stores exactly the new bytes.
func TestResumeChangedPart(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			h := newModeHarness(t, mode)
			store := engine.NewMemoryStore()
			src := randomSource(t, "r.bin", 6*engine.MiB+5)
			interrupted(t, h, store, src, "/resume/")

			changed := &engine.BytesSource{FileName: src.FileName, Modified: src.Modified, Data: slices.Clone(src.Data)}
			changed.Data[engine.MiB+10] ^= 0x5a // in part 2

			cfg := h.config()
			cfg.Checkpoints = store
			var log partLog
			cfg.Sender = log.sender(cfg.Sender)
			e := h.engine(cfg)
			ctx := ctxTimeout(t, time.Minute)
			list, err := e.Restorable(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].Name != "r.bin" || list[0].Path != prefix+"resume/r.bin" || list[0].Size != src.Size() || list[0].Fraction <= 0 {
				t.Fatalf("restorable %+v", list)
			}
			task, err := e.Restore(ctx, list[0].ID, changed, engine.UploadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := task.Wait(ctx)
			if err != nil {
				t.Fatal(err)
			}
			h.checkStored(res.Path, changed)
			if got, want := log.sorted(), []int{2, 4, 5, 6, 7}; !slices.Equal(got, want) {
				t.Fatalf("parts sent on resume %v; want %v (parts 1 and 3 verified and kept)", got, want)
			}
			if cps, _ := store.List(ctx); len(cps) != 0 {
				t.Fatalf("checkpoints left after done: %v", cps)
			}
			if ups := h.openUploads(); len(ups) != 0 {
				t.Fatalf("open uploads: %v", ups)
			}
			checkMonotonic(t, h.events.of(task.ID()))
		})
	}
}

// TestResumeByUpload: uploading the same file to the same path resumes its checkpoint;
// the parts already sent are verified, not sent again.
func TestResumeByUpload(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	store := engine.NewMemoryStore()
	src := randomSource(t, "u.bin", 5*engine.MiB)
	interrupted(t, h, store, src, "/resume/")
	cfg := h.config()
	cfg.Checkpoints = store
	var log partLog
	cfg.Sender = log.sender(cfg.Sender)
	e := h.engine(cfg)
	_, res, err := h.upload(e, src, engine.UploadOptions{Path: "/resume/"})
	if err != nil {
		t.Fatal(err)
	}
	h.checkStored(res.Path, src)
	if got, want := log.sorted(), []int{4, 5}; !slices.Equal(got, want) {
		t.Fatalf("parts sent on resume %v; want %v", got, want)
	}
	if n := len(h.emu.Stats().DataPlane.ByUpload); n != 1 {
		t.Fatalf("%d upload tasks; the resume must reuse the first", n)
	}
}

// TestResumeFileChanged: a file whose size or last-modified differ is refused.
func TestResumeFileChanged(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	store := engine.NewMemoryStore()
	src := randomSource(t, "c.bin", 5*engine.MiB)
	interrupted(t, h, store, src, "/resume/")
	cfg := h.config()
	cfg.Checkpoints = store
	e := h.engine(cfg)
	ctx := ctxTimeout(t, time.Minute)
	list, err := e.Restorable(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("restorable %v %v", list, err)
	}
	for _, other := range []*engine.BytesSource{
		{FileName: "c.bin", Modified: src.Modified, Data: src.Data[:len(src.Data)-1]},
		{FileName: "c.bin", Modified: src.Modified + 1, Data: src.Data},
		{FileName: "d.bin", Modified: src.Modified, Data: src.Data},
	} {
		if _, err := e.Restore(ctx, list[0].ID, other, engine.UploadOptions{}); !errors.Is(err, engine.ErrFileChanged) {
			t.Fatalf("restore with %s/%d/%d: %v; want FileChanged", other.FileName, other.Size(), other.Modified, err)
		}
	}
}

// TestBusyInAnotherTab: while one engine (tab) owns an upload, another refuses the same file
// and path with Busy and does not list it as restorable.
func TestBusyInAnotherTab(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	store := engine.NewMemoryStore()
	locks := &engine.MemoryLocker{}
	src := randomSource(t, "b.bin", 4*engine.MiB)

	cfgA := h.config()
	cfgA.Checkpoints, cfgA.Locker, cfgA.Concurrency = store, locks, 1
	started := make(chan struct{})
	cfgA.Sender = holdAfter(cfgA.Sender, 2, started)
	a := h.engine(cfgA)
	ta, err := a.Upload(src, engine.UploadOptions{Path: "/busy/"})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	if err := ta.Pause(); err != nil {
		t.Fatal(err)
	}
	ctx := ctxTimeout(t, time.Minute)
	if st, _ := ta.WaitState(ctx, engine.StatePaused); st != engine.StatePaused {
		t.Fatalf("state %s", st)
	}

	cfgB := h.config()
	cfgB.Checkpoints, cfgB.Locker = store, locks
	b := h.engine(cfgB)
	if list, err := b.Restorable(ctx); err != nil || len(list) != 0 {
		t.Fatalf("restorable in the other tab: %v %v", list, err)
	}
	_, _, err = h.upload(b, src, engine.UploadOptions{Path: "/busy/"})
	if engine.Code(err) != engine.CodeBusy {
		t.Fatalf("err %v; want Busy", err)
	}
}

// TestPauseResume pauses mid-upload and resumes.
func TestPauseResume(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			h := newModeHarness(t, mode)
			cfg := h.config()
			cfg.Concurrency = 2
			var gate atomic.Bool
			release := make(chan struct{})
			paused := make(chan struct{}, 16)
			next := cfg.Sender
			cfg.Sender = senderFunc(func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
				if partNumber(req.URL) == 3 && !gate.Load() {
					paused <- struct{}{}
					select {
					case <-ctx.Done():
						return nil, ctx.Err()
					case <-release:
					}
				}
				return next.SendPart(ctx, req)
			})
			e := h.engine(cfg)
			src := randomSource(t, "p.bin", 6*engine.MiB)
			task, err := e.UploadWithID(h.id(), src, engine.UploadOptions{Path: "/pause/"})
			if err != nil {
				t.Fatal(err)
			}
			ctx := ctxTimeout(t, time.Minute)
			<-paused
			if err := task.Pause(); err != nil {
				t.Fatal(err)
			}
			if st, _ := task.WaitState(ctx, engine.StatePaused); st != engine.StatePaused {
				t.Fatalf("state %s", st)
			}
			gate.Store(true)
			if err := task.Resume(); err != nil {
				t.Fatal(err)
			}
			res, err := task.Wait(ctx)
			if err != nil {
				t.Fatal(err)
			}
			h.checkStored(res.Path, src)
			checkMonotonic(t, h.events.of(task.ID()))
		})
	}
}

// TestCancel: canceling mid-upload, or a paused upload, leaves no server task and no
// checkpoint.
func TestCancel(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		mode       string
		pauseFirst bool
	}{{engine.ModeDirect, false}, {engine.ModeDirect, true}, {engine.ModeBrokered, false}, {engine.ModeBrokered, true}} {
		pauseFirst := c.pauseFirst
		h := newModeHarness(t, c.mode)
		store := engine.NewMemoryStore()
		cfg := h.config()
		cfg.Checkpoints, cfg.Concurrency = store, 1
		started := make(chan struct{})
		cfg.Sender = holdAfter(cfg.Sender, 2, started)
		e := h.engine(cfg)
		task, err := e.Upload(randomSource(t, "x.bin", 5*engine.MiB), engine.UploadOptions{Path: "/cancel/"})
		if err != nil {
			t.Fatal(err)
		}
		<-started
		ctx := ctxTimeout(t, time.Minute)
		if pauseFirst {
			_ = task.Pause()
			task.WaitState(ctx, engine.StatePaused)
			if cps, _ := store.List(ctx); len(cps) != 1 {
				t.Fatalf("paused: %d checkpoints, want 1", len(cps))
			}
		}
		if ups := h.openUploads(); len(ups) != 1 {
			t.Fatalf("before cancel: %d open uploads", len(ups))
		}
		if err := task.Cancel(); err != nil {
			t.Fatal(err)
		}
		if _, err := task.Wait(ctx); !errors.Is(err, engine.ErrCanceled) {
			t.Fatalf("wait: %v", err)
		}
		if task.State() != engine.StateCanceled {
			t.Fatalf("state %s", task.State())
		}
		if ups := h.openUploads(); len(ups) != 0 {
			t.Fatalf("open uploads after cancel: %v", ups)
		}
		if cps, _ := store.List(ctx); len(cps) != 0 {
			t.Fatalf("checkpoints after cancel: %v", cps)
		}
	}
}

// TestControlsInQuickSuccession: pause then resume at once continues; pause, resume, pause
// stays paused; cancel right after pause cancels.
func TestControlsInQuickSuccession(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cfg := h.config()
	cfg.Concurrency = 1
	next := cfg.Sender
	cfg.Sender = senderFunc(func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
		time.Sleep(20 * time.Millisecond)
		return next.SendPart(ctx, req)
	})
	e := h.engine(cfg)
	ctx := ctxTimeout(t, time.Minute)
	start := func(name string) *engine.Task {
		task, err := e.Upload(randomSource(t, name, 4*engine.MiB), engine.UploadOptions{Path: "/quick/"})
		if err != nil {
			t.Fatal(err)
		}
		if st, _ := task.WaitState(ctx, engine.StateUploading); st != engine.StateUploading {
			t.Fatalf("state %s", st)
		}
		return task
	}

	a := start("a.bin")
	a.Pause()
	a.Resume()
	if _, err := a.Wait(ctx); err != nil {
		t.Fatalf("pause+resume: %v (state %s)", err, a.State())
	}

	b := start("b.bin")
	b.Pause()
	b.Resume()
	b.Pause()
	if st, _ := b.WaitState(ctx, engine.StatePaused); st != engine.StatePaused {
		t.Fatalf("pause+resume+pause: %s", st)
	}
	time.Sleep(100 * time.Millisecond)
	if st := b.State(); st != engine.StatePaused {
		t.Fatalf("pause+resume+pause ended %s", st)
	}

	c := start("c.bin")
	c.Pause()
	c.Cancel()
	if _, err := c.Wait(ctx); !errors.Is(err, engine.ErrCanceled) {
		t.Fatalf("pause+cancel: %v", err)
	}
	b.Cancel()
	if _, err := b.Wait(ctx); !errors.Is(err, engine.ErrCanceled) {
		t.Fatalf("cancel of a paused task: %v", err)
	}
	if ups := h.openUploads(); len(ups) != 0 {
		t.Fatalf("open uploads: %v", ups)
	}
}
