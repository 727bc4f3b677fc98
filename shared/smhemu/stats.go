package smhemu

import "github.com/ferry-upload/ferry/shared/emukit"

// Stats is the answer of GET /_emulator/stats: requests by "METHOD route" and outcome,
// faults injected, and the body bytes the data plane read, by upload task (keyed by
// confirm key).
type Stats = emukit.Stats

// DataPlaneStats counts body bytes the data plane read, faulted requests included.
type DataPlaneStats = emukit.DataPlaneStats

// UploadStats are the counters of one upload task (kept after confirm until reset): its
// path (the final one once confirmed), the bytes it holds (the file size once confirmed),
// the body bytes received for it, retries included, and the body bytes stored.
type UploadStats = emukit.UploadStats
