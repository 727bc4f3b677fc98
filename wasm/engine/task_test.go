package engine_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// TestWaitAfterFinalEvents: Wait returns once the task's final events are out, so a caller
// that waited sees the complete (or error) event it would expect.
func TestWaitAfterFinalEvents(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cfg := h.config()
	var complete atomic.Bool
	cfg.OnEvent = func(ev engine.Event) {
		if ev.Kind == engine.EventComplete {
			time.Sleep(100 * time.Millisecond) // a slow listener
			complete.Store(true)
		}
	}
	e := h.engine(cfg)
	if _, _, err := h.upload(e, randomSource(t, "w.bin", 10), engine.UploadOptions{Path: "/wait/"}); err != nil {
		t.Fatal(err)
	}
	if !complete.Load() {
		t.Fatal("Wait returned before the complete event was emitted")
	}
}
