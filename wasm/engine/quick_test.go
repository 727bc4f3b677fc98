package engine_test

import (
	"time"

	"testing"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// TestQuickUploadHit: the same bytes stored elsewhere complete the upload by hash, with no
// byte sent.
func TestQuickUploadHit(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			h := newModeHarness(t, mode)
			src := randomSource(t, "same.bin", 3*engine.MiB+123)
			if err := h.emu.PutFile(lib, "-", "/elsewhere/orig.bin", src.Data); err != nil {
				t.Fatal(err)
			}
			e := h.engine(h.config())
			task, res, err := h.upload(e, src, engine.UploadOptions{Path: "/q/"})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Rapid || task.State() != engine.StateRapid || res.Path != prefix+"q/same.bin" {
				t.Fatalf("result %+v state %s; want rapid at %sq/same.bin", res, task.State(), prefix)
			}
			if b := h.emu.Stats().DataPlane.BytesReceived; b != 0 {
				t.Fatalf("data plane received %d bytes; a quick upload sends none", b)
			}
			h.checkStored(prefix+"q/same.bin", src)
			checkMonotonic(t, h.events.of(task.ID()))
			if ups := h.openUploads(); len(ups) != 0 {
				t.Fatalf("open uploads: %v", ups)
			}
		})
	}
}

// TestQuickUploadMiss: the first MiB matches a stored file (202) but the rest does not:
// after the full hash the bytes are sent.
func TestQuickUploadMiss(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			h := newModeHarness(t, mode)
			src := randomSource(t, "near.bin", 3*engine.MiB)
			other := append([]byte(nil), src.Data...)
			other[2*engine.MiB+5] ^= 0xff
			if err := h.emu.PutFile(lib, "-", "/elsewhere/near.bin", other); err != nil {
				t.Fatal(err)
			}
			e := h.engine(h.config())
			task, res, err := h.upload(e, src, engine.UploadOptions{Path: "/q/"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Rapid || task.State() != engine.StateDone {
				t.Fatalf("result %+v state %s; want an uploaded file", res, task.State())
			}
			if n := h.requests("?multipart", "202"); n != 1 {
				t.Fatalf("begin answered 202 %d times; want once (beginningHash matched)", n)
			}
			sawHashing := 0
			for _, ev := range h.events.of(task.ID()) {
				if ev.Kind == engine.EventState && ev.Task.State == engine.StateHashing {
					sawHashing++
				}
			}
			if sawHashing < 2 {
				t.Fatalf("state hashing seen %d times; want the first block, then the full hash", sawHashing)
			}
			h.checkStored(prefix+"q/near.bin", src)
		})
	}
}

// TestQuickUploadNotTried: disabled, below 1 MiB, or a token that cannot confirm itself
// (a role that confirms through the function) never sends hashes.
func TestQuickUploadNotTried(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		size    int
		disable bool
		grants  []string
	}{
		{"disabled", 2 * engine.MiB, true, directGrants},
		{"small", engine.MiB - 1, false, directGrants},
		{"begin-only grant", 2 * engine.MiB, false, []string{"begin_upload", "confirm_upload", "create_directory"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			h.grants = c.grants
			src := randomSource(t, "x.bin", c.size)
			if err := h.emu.PutFile(lib, "-", "/elsewhere/x.bin", src.Data); err != nil {
				t.Fatal(err)
			}
			cfg := h.config()
			cfg.DisableQuickUpload = c.disable
			if c.name == "begin-only grant" {
				h.confirm = engine.ConfirmFunction // the function would confirm; here we only check begin
			}
			e := h.engine(cfg)
			task, err := e.Upload(src, engine.UploadOptions{Path: "/q/"})
			if err != nil {
				t.Fatal(err)
			}
			_, _ = task.Wait(ctxTimeout(t, time.Minute))
			if n := h.requests("{filePath}", "202"); n != 0 {
				t.Fatalf("begin answered 202 %d times: hashes were sent", n)
			}
			if st := task.State(); st == engine.StateRapid {
				t.Fatalf("state %s", st)
			}
		})
	}
}
