// Package drivertest is the conformance suite of Ferry's upload engine, in the style of
// gocloud.dev's blob/drivertest: one set of behaviours (edge sizes, resume after a reload,
// expiry, every injected fault, lost answers, conflicts, cancel) that every provider, in
// every upload mode, must show through the engine, run against that provider's emulator.
// A provider and mode plug in with a Harness; RunConformanceTests runs every case, each on a
// harness of its own.
//
// The suite drives the emulator only through the provider-neutral /_emulator/* control API
// (interfaces.md §2, §5.4) over HTTP, so any emulator built on shared/emukit plugs in.
//
// A provider's test runs it once per mode:
//
//	func TestConformance(t *testing.T) {
//		drivertest.RunConformanceTests(t, func(t *testing.T) drivertest.Harness {
//			return newPDSHarness(t, engine.ModeBrokered) // its emulator, started for this case
//		})
//	}
//
// A case that needs a capability the harness lacks is skipped with t.Skip naming it, so
// -v output shows what a provider or mode cannot do.
//
// It is test-support code: tests import it, the wasm build never does.
package drivertest

import (
	"net/http"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// Harness is one provider in one upload mode, served by its emulator (and, brokered, by the
// token function in front of it).
type Harness interface {
	// Mode is the upload mode the harness's tokens answer: engine.ModeDirect or
	// engine.ModeBrokered.
	Mode() string
	// Emulator says where the provider's emulator is and whose files and uploads to list.
	Emulator() Emulator
	// Root is the full library path UploadOptions.Path is relative to (the caller's area),
	// starting and ending with "/".
	Root() string
	// PartSize is how files are cut: one body up to PartSize bytes, parts of PartSize bytes
	// (the last shorter) above.
	PartSize() int64
	// Config is an engine configuration wired to the provider through its emulator: Tokens,
	// Driver and/or Brokered, Sender and Hasher set; Options with PartSize as said. The suite
	// sets Checkpoints, OnEvent and some Options, and wraps Sender.
	Config(t *testing.T, o ConfigOptions) engine.Config
	// Step names the engine's step a control-plane request is (one that went through
	// ConfigOptions.Control).
	Step(r *http.Request) Step
	// ExpireTickets makes every upload ticket or session handle the mode issued so far
	// expire now, apart from the provider's own task (Capabilities.Tickets). It may be
	// called from any goroutine, and reports a failure with t.Error.
	ExpireTickets(t *testing.T)
	// Capabilities says what the provider and mode can do.
	Capabilities() Capabilities
}

// HarnessMaker makes a fresh harness (its own emulator) for one case; it registers its
// clean-up with t.Cleanup.
type HarnessMaker func(t *testing.T) Harness

// Emulator is where an emulator serves /_emulator/* and which of its libraries the suite
// uploads into.
type Emulator struct {
	URL     string // base URL, no trailing slash
	Library string // the library query: SMH library, PDS drive id, Gokuai mount id
	Space   string // the space query ("" for none)
}

// ConfigOptions are what a case needs of its engine's configuration.
type ConfigOptions struct {
	// Control, when set, wraps the transport of every control-plane request the engine
	// makes: the token function's routes and, direct, the provider's API.
	Control func(next http.RoundTripper) http.RoundTripper
	// RequestTimeout, when set, bounds each control-plane request of the engine, and
	// (brokered) the function's upstream requests well within it, so that a stalled request
	// is given up and retried.
	RequestTimeout time.Duration
}

// Step is a control-plane step of the engine.
type Step string

const (
	StepOther    Step = ""
	StepBegin    Step = "begin"    // begin an upload (a quick upload's begins included)
	StepComplete Step = "complete" // complete (confirm) it
)

// Capabilities are what a provider and mode can do; a case that needs one the harness
// lacks is skipped, naming it.
type Capabilities struct {
	// Tickets: the mode hands out upload tickets that expire apart from the provider's task
	// (brokered), and ExpireTickets expires them.
	Tickets bool
	// AbortAfterExpiry: a task whose ticket expired is still aborted when the upload begins
	// again, so none stays open (Tickets).
	AbortAfterExpiry bool
	// Replace: the harness's role may replace an existing file (conflict "overwrite").
	Replace bool
	// IdempotentBegin: a begin whose answer was lost (the provider began a task) leaves no
	// task open once the upload is done: the engine or the function can find it again.
	IdempotentBegin bool
	// Codes maps a neutral error code (AlreadyExists…) to the code this mode reports
	// instead (direct modes pass the provider's codes through).
	Codes map[string]string
}

// code is the code the harness's mode reports for a neutral code.
func (c Capabilities) code(neutral string) string {
	if v, ok := c.Codes[neutral]; ok {
		return v
	}
	return neutral
}

// FaultKinds are the fault kinds of the emulators' fault API (shared/emukit) that the suite
// injects at every step.
var FaultKinds = []string{"500", "503", "reset", "stall"}

// RunConformanceTests runs every case against harnesses from newHarness.
func RunConformanceTests(t *testing.T, newHarness HarnessMaker) {
	t.Run("EdgeSizes", func(t *testing.T) { testEdgeSizes(t, newHarness) })
	t.Run("Reload", func(t *testing.T) { testReload(t, newHarness) })
	t.Run("Expiry", func(t *testing.T) { testExpiry(t, newHarness) })
	t.Run("Faults", func(t *testing.T) { testFaults(t, newHarness) })
	t.Run("LostAnswer", func(t *testing.T) { testLostAnswers(t, newHarness) })
	t.Run("Conflict", func(t *testing.T) {
		testConflicts(t, newHarness)
		testConflictsAtComplete(t, newHarness)
	})
	t.Run("Cancel", func(t *testing.T) { testCancel(t, newHarness) })
}
