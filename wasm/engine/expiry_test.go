package engine_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/smhemu"
	"github.com/ferry-upload/ferry/wasm/engine"
)

// gatedSender sends parts through next, and after `after` parts have been acknowledged
// calls hook once, before sending the next part.
func gatedSender(next engine.PartSender, after int32, hook func()) engine.PartSender {
	var sent atomic.Int32
	var fired atomic.Bool
	return senderFunc(func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
		if sent.Load() >= after && fired.CompareAndSwap(false, true) {
			hook()
		}
		resp, err := next.SendPart(ctx, req)
		if err == nil && resp.StatusCode == 200 {
			sent.Add(1)
		}
		return resp, err
	})
}

// TestExpiryMidUpload: halfway through, every token and every data-plane signature expires
// at once. Parts then meet "Request has expired" (renew), the renewal meets
// InvalidAccessToken (one shared token refresh), and the upload goes on.
func TestExpiryMidUpload(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cfg := h.config()
	cfg.Clock = &vclock{}
	cfg.Concurrency = 4
	cfg.Sender = gatedSender(cfg.Sender, 3, func() {
		if _, _, err := h.emu.ExpireNow(true, true); err != nil {
			t.Error(err)
		}
	})
	e := h.engine(cfg)
	src := randomSource(t, "e.bin", 10*engine.MiB+1)
	task, res, err := h.upload(e, src, engine.UploadOptions{Path: "/exp/"})
	if err != nil {
		t.Fatal(err)
	}
	h.checkStored(res.Path, src)
	checkMonotonic(t, h.events.of(task.ID()))
	if n := h.requests("/cos/", "403"); n == 0 {
		t.Fatal("no part met an expired signature")
	}
	if n := h.requests("?renew", "200"); n == 0 {
		t.Fatal("no renewal")
	}
	if n := h.tokenFetches.Load(); n != 2 {
		t.Fatalf("%d token fetches; want 2 (the first, then one shared refresh)", n)
	}
}

// TestSignatureExpiryShortValidity: signatures that last one second, parts that take a
// little longer: the engine renews (ahead, or after a 403) and finishes.
func TestSignatureExpiryShortValidity(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			h := newModeHarness(t, mode)
			if err := h.emu.SetFaults(smhemu.FaultConfig{ExpireUploadAfter: smhemu.Duration(time.Second), Latency: smhemu.Duration(150 * time.Millisecond)}); err != nil {
				t.Fatal(err)
			}
			cfg := h.config()
			cfg.Concurrency = 2
			e := h.engine(cfg)
			src := randomSource(t, "short.bin", 12*engine.MiB)
			_, res, err := h.upload(e, src, engine.UploadOptions{Path: "/exp/"})
			if err != nil {
				t.Fatal(err)
			}
			h.checkStored(res.Path, src)
			if n := h.requests("?renew", "200"); n == 0 {
				t.Fatal("no renewal")
			}
		})
	}
}

// TestRenewAhead: when the remaining validity of the signatures is shorter than the
// predicted duration of the next part, the engine renews before sending it, so no part ever
// meets an expired signature.
func TestRenewAhead(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			h := newModeHarness(t, mode)
			clock := &vclock{}
			cfg := h.config()
			cfg.Clock = clock
			cfg.Concurrency = 1
			// After two parts, the engine's clock runs 59m58s ahead of the emulator's: every
			// signature (valid one hour) seems to have two seconds left, less than a part needs at
			// the assumed rate... but the emulator still accepts them; only renewals can show.
			cfg.Sender = gatedSender(cfg.Sender, 2, func() { clock.advance(time.Hour - 2*time.Second) })
			e := h.engine(cfg)
			src := randomSource(t, "ahead.bin", 5*engine.MiB)
			_, res, err := h.upload(e, src, engine.UploadOptions{Path: "/exp/"})
			if err != nil {
				t.Fatal(err)
			}
			h.checkStored(res.Path, src)
			if n := h.requests("?renew", "200"); n == 0 {
				t.Fatal("no renewal ahead of expiry")
			}
			if n := h.requests("/cos/", "403"); n != 0 {
				t.Fatalf("%d parts met an expired signature", n)
			}
		})
	}
}
