package pdsemu

import "github.com/ferry-upload/ferry/shared/emukit"

// FaultConfig is the body of POST /_emulator/faults (the kit's): per-plane fault rates
// (control: /v2/; data: /_oss/), latency, stalls, and the expireUploadAfter and
// expireTokenAfter caps on presigned URLs and access tokens issued from then on.
type FaultConfig = emukit.FaultConfig

// PlaneFaults is the fault rate (0..1) of a plane and the kinds drawn from.
type PlaneFaults = emukit.PlaneFaults

// Duration is a time.Duration written as a Go duration string ("250ms", "5s").
type Duration = emukit.Duration

// Stats is the answer of GET /_emulator/stats.
type Stats = emukit.Stats
