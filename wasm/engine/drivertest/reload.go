package drivertest

import (
	"slices"
	"testing"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// testReload: the page reloads mid-upload (the worker ends at once, nothing more is
// written) and a new engine resumes from the checkpoint store.
func testReload(t *testing.T, newHarness HarnessMaker) {
	// Same bytes: no part the data plane took before the reload is sent again.
	t.Run("same-bytes", func(t *testing.T) {
		t.Parallel()
		r := newRun(t, newHarness)
		src := r.source("k.bin", 4*r.part)
		before := r.interrupt(src, "/reload/", 2)
		if len(before) != 2 {
			t.Fatalf("parts taken before the reload %v; want 2", before)
		}
		task, res, log, err := r.resume(src)
		r.checkDone(task, res, err, r.full("reload/k.bin"), src)
		for _, s := range log.spans(0, anyAttempt) {
			if slices.Contains(before, s) {
				t.Fatalf("part %+v was taken before the reload and sent again (sent after: %v)", s, log.spans(0, anyAttempt))
			}
		}
	})

	// Changed bytes in a part taken before the reload (same name, size and last-modified):
	// the change is found and that part sent again (or the upload starts over); the stored
	// file is the new bytes.
	t.Run("changed-bytes", func(t *testing.T) {
		t.Parallel()
		r := newRun(t, newHarness)
		src := r.source("c.bin", 3*r.part+3)
		before := r.interrupt(src, "/reload/", 2)
		second := span{r.part, r.part}
		if !slices.Contains(before, second) {
			t.Fatalf("parts taken before the reload %v; want the second among them", before)
		}
		changed := &engine.BytesSource{FileName: src.FileName, Modified: src.Modified, Data: slices.Clone(src.Data)}
		changed.Data[r.part+10] ^= 0x5a
		task, res, log, err := r.resume(changed)
		r.checkDone(task, res, err, r.full("reload/c.bin"), changed)
		if !slices.Contains(log.spans(0, taken), second) {
			t.Fatalf("parts taken after the reload %v; the changed second part is not among them", log.spans(0, taken))
		}
	})

	// A one-body upload reloaded while its body is on the wire: its task was begun, so it
	// is restorable; resuming stores the file and leaves no task open.
	t.Run("one-body", func(t *testing.T) {
		t.Parallel()
		r := newRun(t, newHarness)
		src := r.source("s.bin", r.part/2)
		r.interrupt(src, "/reload/", 0)
		if ups := r.emu.uploads(); len(ups) != 1 {
			t.Fatalf("open upload tasks at the reload: %+v; want 1", ups)
		}
		task, res, _, err := r.resume(src)
		r.checkDone(task, res, err, r.full("reload/s.bin"), src)
	})
}

// interrupt uploads src to dir on an engine over the run's store, one part at a time; the
// attempts after the first n hang, and once one hangs the page reloads: the store freezes
// and the engine closes. It returns the parts the data plane took before.
func (r *run) interrupt(src *engine.BytesSource, dir string, n int32) []span {
	r.t.Helper()
	cfg := r.config(ConfigOptions{})
	cfg.Concurrency = 1
	log := &sendLog{next: cfg.Sender}
	held := make(chan struct{})
	cfg.Sender = holdFrom(log, n, held)
	e, err := engine.New(cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	task := r.start(e, src, engine.UploadOptions{Path: dir})
	r.await(held, "the upload to reach the reload")
	r.store.frozen.Store(true)
	e.Close()
	r.store.frozen.Store(false)
	r.checkProgress(task.ID(), false)
	return log.spans(0, taken)
}

// resume restores the one interrupted upload with src on a new engine and waits for it; the
// log holds the part attempts of the resume.
func (r *run) resume(src *engine.BytesSource) (*engine.Task, *engine.Result, *sendLog, error) {
	r.t.Helper()
	cfg := r.config(ConfigOptions{})
	log := &sendLog{next: cfg.Sender}
	cfg.Sender = log
	task := r.restoreOnly(r.engine(cfg), src)
	res, err := task.Wait(r.ctx())
	return task, res, log, err
}
