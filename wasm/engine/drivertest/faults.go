package drivertest

import (
	"net/http"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// In a case that injects stalls, requestTimeout bounds each control-plane request
// (ConfigOptions.RequestTimeout) and stallTimeout is how long a part may make no progress
// (Options.StallTimeout): far longer than healthy ones take on a busy machine (a token
// function's upstream requests get a quarter of requestTimeout), far shorter than a stall.
const (
	requestTimeout = 4 * time.Second
	stallTimeout   = 2 * time.Second
)

// testFaults injects every fault kind of the emulators' fault API: once at each step (the
// upload completes byte-identical, nothing left over), and for good on each plane (the
// upload fails with the fault's neutral error, stores nothing, and a retry once the fault
// is gone completes).
func testFaults(t *testing.T, newHarness HarnessMaker) {
	for _, kind := range FaultKinds {
		for _, step := range []Step{StepBegin, "part", StepComplete} {
			t.Run(kind+"/"+string(step), func(t *testing.T) {
				t.Parallel()
				newRun(t, newHarness).faultOnce(kind, step)
			})
		}
		for _, plane := range []string{"data", "control"} {
			t.Run(kind+"/permanent-"+plane, func(t *testing.T) {
				t.Parallel()
				newRun(t, newHarness).faultForGood(kind, plane)
			})
		}
	}
	// Every request of both planes is slow.
	t.Run("latency", func(t *testing.T) {
		t.Parallel()
		r := newRun(t, newHarness)
		r.emu.setFaults(faultConfig{Latency: "30ms"})
		src := r.source("l.bin", 2*r.part+5)
		task, res, err := r.upload(r.engine(r.config(ConfigOptions{})), src, engine.UploadOptions{Path: "/faults/"})
		r.checkDone(task, res, err, r.full("faults/l.bin"), src)
	})
}

// faultConfig of kind on every request of a plane ("data" or "control").
func faultOn(plane, kind string) faultConfig {
	p := &planeFaults{Rate: 1, Kinds: []string{kind}}
	if plane == "data" {
		return faultConfig{DataPlane: p}
	}
	return faultConfig{ControlPlane: p}
}

// options are the configuration options of a case that injects kind.
func (r *run) options(kind string) (ConfigOptions, func(*engine.Config)) {
	o := ConfigOptions{}
	if kind == "stall" {
		o.RequestTimeout = requestTimeout
	}
	return o, func(cfg *engine.Config) {
		cfg.Concurrency = 1
		if kind == "stall" {
			cfg.StallTimeout = stallTimeout
		}
	}
}

// faultOnce injects kind on the provider's side of one step: the first begin, the second
// part, or the first complete (with a token function in front, on every upstream request
// it makes for that step), and clears it once the step's request is over.
func (r *run) faultOnce(kind string, step Step) {
	r.t.Helper()
	plane := "control"
	if step == "part" {
		plane = "data"
	}
	on := func() { r.emu.setFaults(faultOn(plane, kind)) }
	off := func() { r.emu.setFaults(faultConfig{}) }
	o, tune := r.options(kind)
	if step != "part" {
		o.Control = func(next http.RoundTripper) http.RoundTripper {
			return &onStep{next: next, step: r.h.Step, want: step, before: on, after: off}
		}
	}
	cfg := r.config(o)
	tune(&cfg)
	if step == "part" {
		cfg.Sender = aroundAttempt(cfg.Sender, 2, on, off)
	}
	src := r.source("f.bin", 2*r.part+5)
	task, res, err := r.upload(r.engine(cfg), src, engine.UploadOptions{Path: "/faults/"})
	r.checkDone(task, res, err, r.full("faults/f.bin"), src)
	r.checkFiles(r.full("faults/"), 1)
	if r.emu.stats().FaultsInjected == 0 {
		r.t.Fatalf("no %s fault was injected at %s", kind, step)
	}
}

// faultForGood injects kind on every request of a plane from the start: the upload fails
// with the fault's neutral error (data plane: the status of an error answer, NetworkError
// for a reset, Stalled for a stall; control plane: a retryable one) and stores nothing; a
// retry once the fault is gone completes.
func (r *run) faultForGood(kind, plane string) {
	r.t.Helper()
	o, tune := r.options(kind)
	cfg := r.config(o)
	tune(&cfg)
	cfg.Retry.MaxAttempts = 2 // one retry shows it is retried; more only take longer
	e := r.engine(cfg)
	r.emu.setFaults(faultOn(plane, kind))
	src := r.source("p.bin", 2*r.part+1)
	task, _, err := r.upload(e, src, engine.UploadOptions{Path: "/faults/"})
	if task.State() != engine.StateFailed || err == nil {
		r.t.Fatalf("state %s, err %v; want failed", task.State(), err)
	}
	if !wantedFailure(kind, plane, err) {
		r.t.Fatalf("%s fault for good on the %s plane: failed with %#v", kind, plane, engine.AsError(err))
	}
	r.checkFiles(r.full("faults/"), 0)
	if ups := r.emu.uploads(); len(ups) > 1 {
		r.t.Fatalf("open upload tasks %+v; at most the failed upload's may stay (for its retry)", ups)
	}
	r.checkProgress(task.ID(), false)

	r.emu.setFaults(faultConfig{})
	if err := task.Retry(); err != nil {
		r.t.Fatal(err)
	}
	res, err := task.Wait(r.ctx())
	r.checkDone(task, res, err, r.full("faults/p.bin"), src)
}

// wantedFailure reports whether err is the neutral error of kind injected for good.
func wantedFailure(kind, plane string, err error) bool {
	e := engine.AsError(err)
	transport := e.Code == engine.CodeNetworkError || e.Code == engine.CodeStalled
	if plane == "control" {
		return e.Status >= 500 || transport
	}
	switch kind {
	case "500":
		return e.Status == 500
	case "503":
		return e.Status == 503
	case "reset":
		return e.Code == engine.CodeNetworkError
	case "stall":
		return e.Code == engine.CodeStalled
	}
	return false
}
