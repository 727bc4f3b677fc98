package engine_test

import (
	"testing"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// TestSimpleUploadSignatureExpiry: the signature of a simple upload expires before its body
// is sent. The data plane renews only multipart tasks, so the engine begins the upload
// again (and deletes the expired task): the file is stored and no task is left open.
// (Found by the chaos test: the task failed with NotMultipartUpload.)
func TestSimpleUploadSignatureExpiry(t *testing.T) {
	t.Parallel()
	for _, confirm := range []string{engine.ConfirmDirect, engine.ConfirmFunction, engine.ModeBrokered} {
		t.Run(confirm, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			cfg := h.config()
			switch confirm {
			case engine.ConfirmFunction:
				cfg, _, _ = h.withFunction(t)
			case engine.ModeBrokered:
				h.useBroker(t, brokeredPolicy)
				cfg = h.config()
			}
			cfg.Sender = gatedSender(cfg.Sender, 0, func() {
				if _, _, err := h.emu.ExpireNow(false, true); err != nil {
					t.Error(err)
				}
			})
			e := h.engine(cfg)
			src := randomSource(t, "small.bin", 300<<10)
			_, res, err := h.upload(e, src, engine.UploadOptions{Path: "/exp/"})
			if err != nil {
				t.Fatal(err)
			}
			h.checkStored(res.Path, src)
			if n := h.requests("/cos/", "403"); n != 1 {
				t.Fatalf("%d bodies met an expired signature, want 1", n)
			}
			if open := h.openUploads(); len(open) != 0 {
				t.Fatalf("tasks left open: %+v", open)
			}
		})
	}
}
