package drivertest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/crc64"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// caseTimeout bounds one upload of a case (a busy CI machine is slow, never this slow).
const caseTimeout = 2 * time.Minute

// run is one case: its harness, its emulator's control API, the events of its engines and
// their checkpoint store.
type run struct {
	t      *testing.T
	h      Harness
	emu    *emuClient
	caps   Capabilities
	part   int64
	events eventLog
	store  *store
	ids    atomic.Int32
}

func newRun(t *testing.T, newHarness HarnessMaker) *run {
	t.Helper()
	h := newHarness(t)
	return &run{t: t, h: h, emu: newEmuClient(t, h.Emulator()), caps: h.Capabilities(), part: h.PartSize(),
		store: &store{CheckpointStore: engine.NewMemoryStore()}}
}

// config is the harness's configuration with the run's checkpoint store and event log.
func (r *run) config(o ConfigOptions) engine.Config {
	cfg := r.h.Config(r.t, o)
	cfg.Checkpoints = r.store
	next := cfg.OnEvent
	cfg.OnEvent = func(ev engine.Event) {
		r.events.add(ev)
		if next != nil {
			next(ev)
		}
	}
	return cfg
}

// engine starts an engine, closed when the case ends.
func (r *run) engine(cfg engine.Config) *engine.Engine {
	r.t.Helper()
	e, err := engine.New(cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(e.Close)
	return e
}

// start queues src on e under a task id unique within the run.
func (r *run) start(e *engine.Engine, src engine.Source, opts engine.UploadOptions) *engine.Task {
	r.t.Helper()
	task, err := e.UploadWithID(fmt.Sprintf("c%d", r.ids.Add(1)), src, opts)
	if err != nil {
		r.t.Fatal(err)
	}
	return task
}

// upload runs src on e to its end.
func (r *run) upload(e *engine.Engine, src engine.Source, opts engine.UploadOptions) (*engine.Task, *engine.Result, error) {
	r.t.Helper()
	task := r.start(e, src, opts)
	res, err := task.Wait(r.ctx())
	return task, res, err
}

// ctx is a context that ends with the case, or after caseTimeout.
func (r *run) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	r.t.Cleanup(cancel)
	return ctx
}

// full is the library path of a path relative to the harness's root.
func (r *run) full(rel string) string { return r.h.Root() + rel }

// source is a file of random bytes.
func (r *run) source(name string, size int64) *engine.BytesSource {
	r.t.Helper()
	b := make([]byte, size)
	if _, err := rand.Read(b); err != nil {
		r.t.Fatal(err)
	}
	return &engine.BytesSource{FileName: name, Modified: 1_700_000_000_000, Data: b}
}

// checkDone asserts a finished upload: task done with res at want (a full path), the
// emulator holding exactly src's bytes there, no open upload task, no checkpoint, and a
// progress that never went backwards and ended at 1.
func (r *run) checkDone(task *engine.Task, res *engine.Result, err error, want string, src *engine.BytesSource) {
	r.t.Helper()
	if err != nil {
		r.t.Fatalf("upload: %v", err)
	}
	if st := task.State(); st != engine.StateDone {
		r.t.Fatalf("state %s; want done", st)
	}
	if res.Path != want || res.Size != src.Size() {
		r.t.Fatalf("result %+v; want %d bytes at %s", res, src.Size(), want)
	}
	// The page's result names the bytes stored by their CRC-64 whatever the provider
	// (interfaces.md §4: task.done's crc64, a decimal string).
	if crc := strconv.FormatUint(crc64.Checksum(src.Data, crc64.MakeTable(crc64.ECMA)), 10); res.CRC64 != crc {
		r.t.Fatalf("result crc64 %q; want %s", res.CRC64, crc)
	}
	r.checkStored(want, src)
	r.checkClean()
	r.checkProgress(task.ID(), true)
}

// checkStored asserts the file at p (a full path) holds exactly src's bytes, by SHA-256.
func (r *run) checkStored(p string, src *engine.BytesSource) {
	r.t.Helper()
	want := sha256.Sum256(src.Data)
	dir := path.Dir(p)
	if !strings.HasSuffix(dir, "/") {
		dir += "/"
	}
	for _, f := range r.emu.files(dir) {
		if f.Path != p {
			continue
		}
		if f.Size != src.Size() || f.SHA256 != hex.EncodeToString(want[:]) {
			r.t.Fatalf("%s: stored %d bytes, sha256 %s; want %d bytes, sha256 %x", p, f.Size, f.SHA256, src.Size(), want)
		}
		return
	}
	r.t.Fatalf("no file at %s; files: %+v", p, r.emu.files(""))
}

// checkFiles asserts how many files are stored under dir (a full path ending in "/").
func (r *run) checkFiles(dir string, n int) {
	r.t.Helper()
	if got := r.emu.files(dir); len(got) != n {
		r.t.Fatalf("files under %s: %+v; want %d", dir, got, n)
	}
}

// checkClean asserts that no upload task is open at the emulator and no checkpoint is left.
func (r *run) checkClean() {
	r.t.Helper()
	if ups := r.emu.uploads(); len(ups) != 0 {
		r.t.Fatalf("open upload tasks: %+v", ups)
	}
	r.checkCheckpoints(0)
}

func (r *run) checkCheckpoints(n int) {
	r.t.Helper()
	cps, err := r.store.List(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	if len(cps) != n {
		r.t.Fatalf("%d checkpoints; want %d", len(cps), n)
	}
}

// checkProgress asserts that a task's reported fraction never went backwards nor past its
// size, and (complete) ended at 1.
func (r *run) checkProgress(taskID string, complete bool) {
	r.t.Helper()
	evs := r.events.of(taskID)
	if len(evs) == 0 {
		r.t.Fatalf("no event for task %s", taskID)
	}
	last := -1.0
	for i, ev := range evs {
		s := ev.Task
		if s.Fraction < last {
			r.t.Fatalf("event %d (%s, %s): fraction %.4f after %.4f", i, ev.Kind, s.State, s.Fraction, last)
		}
		if s.Loaded > s.Size || s.Fraction > 1 {
			r.t.Fatalf("event %d: loaded %d of %d, fraction %.4f", i, s.Loaded, s.Size, s.Fraction)
		}
		last = s.Fraction
	}
	if complete && last != 1 {
		r.t.Fatalf("final fraction %.4f; want 1", last)
	}
}

// restoreOnly lists what e can restore, which must be exactly one upload, and resumes it
// with src (what a page does after a reload).
func (r *run) restoreOnly(e *engine.Engine, src engine.Source) *engine.Task {
	r.t.Helper()
	ctx := r.ctx()
	list, err := e.Restorable(ctx)
	if err != nil || len(list) != 1 {
		r.t.Fatalf("restorable after the reload: %+v %v", list, err)
	}
	task, err := e.RestoreWithID(ctx, fmt.Sprintf("c%d", r.ids.Add(1)), list[0].ID, src, engine.UploadOptions{})
	if err != nil {
		r.t.Fatal(err)
	}
	return task
}

// waitState waits for task to reach st (or a terminal state) and asserts it did.
func (r *run) waitState(task *engine.Task, st engine.State) {
	r.t.Helper()
	if got, err := task.WaitState(r.ctx(), st); got != st {
		r.t.Fatalf("state %s (%v); want %s", got, err, st)
	}
}

// await waits for ch to close: an event of the case.
func (r *run) await(ch <-chan struct{}, what string) {
	r.t.Helper()
	select {
	case <-ch:
	case <-r.ctx().Done():
		r.t.Fatalf("timed out waiting for %s", what)
	}
}

// eventLog collects engine events.
type eventLog struct {
	mu     sync.Mutex
	events []engine.Event
}

func (l *eventLog) add(ev engine.Event) {
	l.mu.Lock()
	l.events = append(l.events, ev)
	l.mu.Unlock()
}

func (l *eventLog) of(taskID string) []engine.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []engine.Event
	for _, ev := range l.events {
		if ev.Task.ID == taskID {
			out = append(out, ev)
		}
	}
	return out
}

// store is a checkpoint store that can be frozen: a page reload ends the worker at once,
// so nothing is written after that moment, not even by a graceful close.
type store struct {
	engine.CheckpointStore
	frozen atomic.Bool
}

func (s *store) Save(ctx context.Context, cp *engine.Checkpoint) error {
	if s.frozen.Load() {
		return nil
	}
	return s.CheckpointStore.Save(ctx, cp)
}

func (s *store) Delete(ctx context.Context, id string) error {
	if s.frozen.Load() {
		return nil
	}
	return s.CheckpointStore.Delete(ctx, id)
}
