package engine

import (
	"context"
	"time"
)

// Clock is the engine's time: Now for expiry, speed and ETA; Sleep for backoff; AfterFunc
// for the stall watchdog. Tests use a virtual clock so backoff never really sleeps.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx ends (then it returns ctx's error).
	Sleep(ctx context.Context, d time.Duration) error
	// AfterFunc calls f after d; stop cancels it.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

// SystemClock is the real clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

func (SystemClock) Sleep(ctx context.Context, d time.Duration) error {
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

func (SystemClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}
