package smhemu

import "github.com/ferry-upload/ferry/shared/emukit"

// FaultConfig is the body of POST /_emulator/faults; the zero value ({}) injects nothing.
//
// Each plane (control: /api/; data: /cos/) draws from its own PRNG seeded by Seed, one
// decision per request in arrival order, so the same seed and the same sequence of
// requests fault the same requests. Preflight (OPTIONS) and test-control requests are
// never faulted and draw nothing. A fault is decided, and takes effect, before the request
// changes any state. ExpireUploadAfter caps data-plane signatures, ExpireTokenAfter access
// tokens.
type FaultConfig = emukit.FaultConfig

// PlaneFaults is the fault rate (0..1) of a plane and the kinds drawn from, uniformly:
// "500", "503", "reset" (the connection is closed with a TCP RST; on the data plane
// after reading half the body) and "stall" (nothing is read or answered).
type PlaneFaults = emukit.PlaneFaults

// Duration is a time.Duration written as a Go duration string ("250ms", "5s").
type Duration = emukit.Duration

// FaultKinds are the kinds PlaneFaults accepts.
var FaultKinds = emukit.FaultKinds
