package drivertest

import (
	"errors"
	"testing"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// testCancel: canceling an upload (mid-upload, paused, or a one-body upload with its body on
// the wire) leaves nothing: no task open at the provider, no file, no checkpoint.
func testCancel(t *testing.T, newHarness HarnessMaker) {
	for _, c := range []struct {
		name  string
		parts int64 // file size in parts (0: half a part, one body)
		sent  int32 // part attempts that go through before the rest hang
		pause bool
	}{
		{"uploading", 4, 1, false},
		{"paused", 4, 2, true},
		{"one-body", 0, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := newRun(t, newHarness)
			cfg := r.config(ConfigOptions{})
			cfg.Concurrency = 1
			held := make(chan struct{})
			cfg.Sender = holdFrom(cfg.Sender, c.sent, held)
			size := c.parts * r.part
			if size == 0 {
				size = r.part / 2
			}
			task := r.start(r.engine(cfg), r.source("x.bin", size), engine.UploadOptions{Path: "/cancel/"})
			r.await(held, "the upload to be under way")
			if c.pause {
				if err := task.Pause(); err != nil {
					t.Fatal(err)
				}
				r.waitState(task, engine.StatePaused)
				r.checkCheckpoints(1)
			}
			if ups := r.emu.uploads(); len(ups) != 1 {
				t.Fatalf("open upload tasks before the cancel: %+v; want 1", ups)
			}
			if err := task.Cancel(); err != nil {
				t.Fatal(err)
			}
			if _, err := task.Wait(r.ctx()); !errors.Is(err, engine.ErrCanceled) || task.State() != engine.StateCanceled {
				t.Fatalf("state %s, err %v; want canceled", task.State(), err)
			}
			r.checkClean()
			r.checkFiles(r.full("cancel/"), 0)
			r.checkProgress(task.ID(), false)
		})
	}
}
