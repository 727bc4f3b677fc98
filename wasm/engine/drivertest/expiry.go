package drivertest

import (
	"sync/atomic"
	"testing"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// testExpiry: what the provider or the function handed out expires mid-upload; the upload
// renews or starts over, completes, and leaves nothing duplicated.
func testExpiry(t *testing.T, newHarness HarnessMaker) {
	// Every byte target expires before the second part: parts meet refusals, the targets
	// are renewed, the upload completes.
	t.Run("targets", func(t *testing.T) {
		t.Parallel()
		r := newRun(t, newHarness)
		src := r.source("t.bin", 3*r.part)
		task, res, log, mark, err := r.expireAt(src, 2, func() int { _, n := r.emu.expire(false, true); return n })
		r.checkDone(task, res, err, r.full("exp/t.bin"), src)
		if got := log.spans(mark, refused); len(got) == 0 {
			t.Fatal("no part met an expired target")
		}
	})

	// A one-body upload's target expires before its body: the body is refused, the upload
	// gets a new target (a one-body task may be begun again: the old one must not stay open).
	t.Run("targets-one-body", func(t *testing.T) {
		t.Parallel()
		r := newRun(t, newHarness)
		src := r.source("o.bin", r.part/2)
		task, res, log, mark, err := r.expireAt(src, 1, func() int { _, n := r.emu.expire(false, true); return n })
		r.checkDone(task, res, err, r.full("exp/o.bin"), src)
		if got := log.spans(mark, refused); len(got) == 0 {
			t.Fatal("the body did not meet its expired target")
		}
	})

	// Every provider token issued so far expires before the second part (direct: the
	// engine's; brokered: the function's own): it is refreshed, the upload completes.
	t.Run("tokens", func(t *testing.T) {
		t.Parallel()
		r := newRun(t, newHarness)
		src := r.source("k.bin", 3*r.part)
		task, res, _, _, err := r.expireAt(src, 2, func() int { n, _ := r.emu.expire(true, false); return n })
		r.checkDone(task, res, err, r.full("exp/k.bin"), src)
	})

	// The upload's ticket expires before the second part: the upload is renewed or begun
	// again and completes, with one file stored; no task of its own stays open, and the
	// expired ticket's task neither where the harness can abort it (AbortAfterExpiry).
	t.Run("tickets", func(t *testing.T) {
		t.Parallel()
		r := newRun(t, newHarness)
		need(t, r.caps.Tickets, "Tickets")
		src := r.source("i.bin", 3*r.part)
		var open atomic.Int32
		task, res, _, _, err := r.expireAt(src, 2, func() int {
			ups, err := r.emu.openUploads()
			if err != nil {
				t.Error(err)
			}
			open.Store(int32(len(ups)))
			r.h.ExpireTickets(t)
			return 1
		})
		r.checkRestarted(task, res, err, "exp/", src, int(open.Load()))
	})

	// The ticket expires while the page is away (resumed the next day): the resume begins
	// again and completes.
	t.Run("tickets-at-resume", func(t *testing.T) {
		t.Parallel()
		r := newRun(t, newHarness)
		need(t, r.caps.Tickets, "Tickets")
		src := r.source("n.bin", 3*r.part)
		r.interrupt(src, "/exp/", 1)
		open := len(r.emu.uploads())
		r.h.ExpireTickets(t)
		task, res, _, err := r.resume(src)
		r.checkRestarted(task, res, err, "exp/", src, open)
	})
}

// expireAt uploads src to /exp/, one part at a time, and runs expire just before part
// attempt k; expire says how many things it expired, which must be some. It returns the
// task, its result, the part attempts, the index of the first attempt after the expiry and
// the upload's error.
func (r *run) expireAt(src *engine.BytesSource, k int32, expire func() int) (*engine.Task, *engine.Result, *sendLog, int, error) {
	r.t.Helper()
	cfg := r.config(ConfigOptions{})
	cfg.Concurrency = 1
	log := &sendLog{next: cfg.Sender}
	var n, mark atomic.Int32
	cfg.Sender = aroundAttempt(log, k, func() {
		n.Store(int32(expire()))
		mark.Store(int32(log.count()))
	}, nil)
	task, res, err := r.upload(r.engine(cfg), src, engine.UploadOptions{Path: "/exp/"})
	if n.Load() == 0 {
		r.t.Fatal("nothing expired: the case tested nothing")
	}
	return task, res, log, int(mark.Load()), err
}

// checkRestarted asserts an upload whose session expired completed in dir (relative to
// the root): src's bytes stored there as its only file, no more tasks open than the
// expired session's (open, counted at the expiry), no checkpoint, progress monotonic.
func (r *run) checkRestarted(task *engine.Task, res *engine.Result, err error, dir string, src *engine.BytesSource, open int) {
	r.t.Helper()
	if err != nil {
		r.t.Fatalf("upload: %v", err)
	}
	want := r.full(dir + src.FileName)
	if task.State() != engine.StateDone || res.Path != want {
		r.t.Fatalf("state %s, result %+v; want done at %s", task.State(), res, want)
	}
	r.checkStored(want, src)
	r.checkFiles(r.full(dir), 1)
	ups := r.emu.uploads()
	if len(ups) > open {
		r.t.Fatalf("open upload tasks %+v; at most the %d of the expired session may stay", ups, open)
	}
	r.checkCheckpoints(0)
	r.checkProgress(task.ID(), true)
	r.t.Run("no-task-left", func(t *testing.T) {
		need(t, r.caps.AbortAfterExpiry, "AbortAfterExpiry")
		if len(ups) != 0 {
			t.Fatalf("open upload tasks %+v", ups)
		}
	})
}

// need skips the case when the harness lacks a capability, naming it.
func need(t *testing.T, have bool, capability string) {
	t.Helper()
	if !have {
		t.Skipf("capability %s: not supported by this provider and mode", capability)
	}
}
