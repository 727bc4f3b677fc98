package provider

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx ends (its error then). d ≤ 0 only checks ctx. The function's
// retries and polls wait with it (tests replace it, never the clock).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
