package drivertest

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// testLostAnswers: the provider did the work of a request, but its answer was lost (the
// connection dropped). The engine finds out what happened: no duplicate file, no task left
// open, the right result.
func testLostAnswers(t *testing.T, newHarness HarnessMaker) {
	// A begin's answer: the provider began a task the engine never heard of. The upload
	// begins again and completes once.
	t.Run("begin", func(t *testing.T) {
		t.Parallel()
		r := newRun(t, newHarness)
		l := &loseStep{step: r.h.Step, want: StepBegin}
		src := r.source("b.bin", 2*r.part+5)
		task, res, err := r.upload(r.engine(r.config(ConfigOptions{Control: l.wrap})), src, engine.UploadOptions{Path: "/lost/"})
		if l.lost.Load() != 1 {
			t.Fatalf("%d answers lost; the case needs 1", l.lost.Load())
		}
		if err != nil || task.State() != engine.StateDone || res.Path != r.full("lost/b.bin") {
			t.Fatalf("state %s, result %+v, err %v; want done at %s", task.State(), res, err, r.full("lost/b.bin"))
		}
		r.checkStored(res.Path, src)
		r.checkFiles(r.full("lost/"), 1)
		r.checkCheckpoints(0)
		r.checkProgress(task.ID(), true)
		ups := r.emu.uploads()
		if len(ups) > 1 {
			t.Fatalf("open upload tasks %+v; at most the lost begin's may stay", ups)
		}
		t.Run("no-task-left", func(t *testing.T) {
			need(t, r.caps.IdempotentBegin, "IdempotentBegin")
			if len(ups) != 0 {
				t.Fatalf("open upload tasks %+v", ups)
			}
		})
	})

	// A part's answer: the data plane stored the part; it is sent again, once more.
	t.Run("part", func(t *testing.T) {
		t.Parallel()
		r := newRun(t, newHarness)
		cfg := r.config(ConfigOptions{})
		var lost atomic.Int32
		cfg.Sender = loseFirstPart(cfg.Sender, &lost)
		src := r.source("p.bin", 2*r.part+5)
		task, res, err := r.upload(r.engine(cfg), src, engine.UploadOptions{Path: "/lost/"})
		if lost.Load() != 1 {
			t.Fatalf("%d answers lost; the case needs 1", lost.Load())
		}
		r.checkDone(task, res, err, r.full("lost/p.bin"), src)
	})

	// A complete's answer, of a multipart and of a one-body upload: the file is stored and
	// the task gone; the engine finds the file and reports it, once.
	for _, c := range []struct {
		name string
		size func(part int64) int64
	}{
		{"complete", func(p int64) int64 { return 2*p + 5 }},
		{"complete-one-body", func(p int64) int64 { return p / 2 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := newRun(t, newHarness)
			l := &loseStep{step: r.h.Step, want: StepComplete}
			src := r.source("c.bin", c.size(r.part))
			task, res, err := r.upload(r.engine(r.config(ConfigOptions{Control: l.wrap})), src, engine.UploadOptions{Path: "/lost/"})
			if l.lost.Load() != 1 {
				t.Fatalf("%d answers lost; the case needs 1", l.lost.Load())
			}
			r.checkDone(task, res, err, r.full("lost/c.bin"), src)
			r.checkFiles(r.full("lost/"), 1)
		})
	}
}

// wrap is loseStep as a ConfigOptions.Control.
func (l *loseStep) wrap(next http.RoundTripper) http.RoundTripper {
	l.next = next
	return l
}
