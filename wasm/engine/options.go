package engine

import (
	"time"
)

// Defaults of Options.
const (
	MiB                     = 1 << 20
	DefaultConcurrency      = 4
	DefaultParallelFiles    = 2
	DefaultPartSize         = 8 * MiB
	DefaultSimpleThreshold  = 8 * MiB
	MinPartSize             = 1 * MiB // the data plane refuses smaller parts (but the last)
	MaxPartSize             = 5 << 30 // COS's part limit
	MaxParts                = 10000   // COS's part-count limit
	QuickUploadMinSize      = 1 * MiB // SMH SDKs try quick upload only from 1 MiB
	DefaultStallTimeout     = 30 * time.Second
	DefaultProgressInterval = 200 * time.Millisecond
	DefaultCheckpointEvery  = time.Second
)

// VerifyLocal is the Verify value that checks every part's bytes locally.
const VerifyLocal = "local"

// Options tune the engine. The zero value means every default.
type Options struct {
	// Concurrency is the number of parts in flight in total, across all files (default 4).
	Concurrency int
	// ParallelFiles caps how many files upload at once (default 2).
	ParallelFiles int
	// PartSize is the multipart part size (default 8 MiB, at least 1 MiB). It grows, in whole
	// MiB, so that a file needs at most 10,000 parts.
	PartSize int64
	// SimpleThreshold: files up to this size go in one simple upload, larger ones in parts
	// (default 8 MiB).
	SimpleThreshold int64
	// DisableQuickUpload turns quick upload (秒传) off. It is on by default, and only tried
	// for files of at least 1 MiB with a token that may complete the upload itself.
	DisableQuickUpload bool
	// StreamParts sends parts straight from the source (the browser: XMLHttpRequest with the
	// Blob slice), reading them only to compute CRC-64 through small buffers; upload bytes
	// then never occupy part-sized Go memory. Otherwise (native) each part is read once into
	// a pooled part buffer, checksummed and sent from it.
	StreamParts bool
	// Verify says where a streamed part's CRC-64 comes from. "" (the default): from the data
	// plane's answer to the part, so the file is not read for it (the checkpoint records that
	// CRC-64, a resume verifies kept parts against the local file, and the complete checks the
	// whole); a data plane that answers none gets the part read and checksummed locally.
	// VerifyLocal: every part is read once into its slot's buffer and checksummed, then sent
	// (streaming, as the source's slice) and the data plane's answer must match: proof that
	// it received the bytes checked. Without StreamParts every part is read, checked and sent
	// from the buffer anyway.
	Verify string
	// Retry is the backoff policy for network errors, 5xx and 429.
	Retry Backoff
	// StallTimeout aborts and retries a part attempt that sent no byte and got no answer for
	// this long (default 30 s).
	StallTimeout time.Duration
	// ProgressInterval throttles progress events per task (default 200 ms).
	ProgressInterval time.Duration
	// CheckpointEvery throttles checkpoint writes of the chained-hash state while the full
	// hash is computed, and after renewals (default 1 s); every acknowledged part, pausing,
	// failing and every state change write at once.
	CheckpointEvery time.Duration
}

func (o Options) withDefaults() Options {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.ParallelFiles <= 0 {
		o.ParallelFiles = DefaultParallelFiles
	}
	if o.PartSize <= 0 {
		o.PartSize = DefaultPartSize
	}
	o.PartSize = min(max(o.PartSize, MinPartSize), MaxPartSize)
	if o.SimpleThreshold <= 0 {
		o.SimpleThreshold = DefaultSimpleThreshold
	}
	o.Retry = o.Retry.withDefaults()
	if o.StallTimeout <= 0 {
		o.StallTimeout = DefaultStallTimeout
	}
	if o.ProgressInterval <= 0 {
		o.ProgressInterval = DefaultProgressInterval
	}
	if o.CheckpointEvery <= 0 {
		o.CheckpointEvery = DefaultCheckpointEvery
	}
	return o
}

// UploadOptions are per file.
type UploadOptions struct {
	// Path is relative to the token's limits.pathPrefix. Ending in "/" (or empty) it names
	// a directory and the file keeps its name; otherwise it is the file's full path.
	Path string `json:"path,omitempty"`
	// Conflict is "ask", "rename" (default) or "overwrite".
	Conflict string `json:"conflict,omitempty"`
	// Labels are passed to the server at begin.
	Labels []string `json:"labels,omitempty"`
	// Meta is user metadata, sent as x-smh-meta-* headers at begin; keys may carry the
	// "x-smh-meta-" prefix or not.
	Meta map[string]string `json:"meta,omitempty"`
}
