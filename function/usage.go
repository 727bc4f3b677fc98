package function

import (
	"context"
	"time"
)

// UsageStore counts each caller's open brokered uploads (begun through the function, not
// yet completed, aborted or expired) and their declared bytes, for the role limits
// maxOpenUploads and quotaBytes. Config.Usage plugs one in; the default holds the counts in
// process memory, so they are per instance (as RATE_LIMIT's). A deployment with several
// instances that wants one count per caller plugs a shared store (e.g. Redis, a Durable
// Object) that implements Reserve atomically.
//
// key names a caller (provider, library, space and sub); id names one upload of theirs.
type UsageStore interface {
	// Reserve adds upload id of size bytes, open until the given time (on the function's
	// clock), to key's open uploads unless that would break lim. It answers key's open
	// uploads before adding (id itself not counted: reserving an id again replaces it) and
	// whether it was added. Entries past their time count for nothing and may be dropped.
	Reserve(ctx context.Context, key, id string, size int64, until time.Time, lim UsageLimit) (OpenUsage, bool, error)
	// Release drops upload id of key; an id not held is no error.
	Release(ctx context.Context, key, id string) error
}

// UsageLimit is what Reserve keeps: fewer than MaxOpen open uploads before adding one (0:
// no cap), and Stored + open bytes + the new size at most Quota (0: no quota).
type UsageLimit struct {
	MaxOpen int
	Quota   int64
	Stored  int64 // bytes the caller already stores (UsageReader), checked with Quota
}

// OpenUsage is a caller's open uploads and their declared bytes.
type OpenUsage struct {
	Open  int
	Bytes int64
}

// admits reports whether an upload of size bytes fits beside u under lim.
func (lim UsageLimit) admits(u OpenUsage, size int64) bool {
	if lim.MaxOpen > 0 && u.Open >= lim.MaxOpen {
		return false
	}
	return lim.Quota <= 0 || lim.Stored+u.Bytes+size <= lim.Quota
}
