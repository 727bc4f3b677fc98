package engine

import (
	"context"
	"errors"
	"time"

	"github.com/ferry-upload/ferry/shared/smh"
)

// Limits on the non-backoff recoveries of one operation.
const (
	maxRenews    = 3 // data-plane signature renewals
	maxRefreshes = 2 // token refreshes
)

// attempts counts one operation's recoveries.
type attempts struct{ retries, renews, refreshes int }

// classify sorts an error: the engine's own transport, read, stall and checksum faults are
// retried; the driver sorts the provider's errors.
func (e *Engine) classify(ctx context.Context, err error) Fault {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return FaultCanceled
	}
	var re *readError
	var ce *checksumError
	var ee *Error
	switch {
	case errors.Is(err, errNetwork), errors.Is(err, errStalled), errors.As(err, &re), errors.As(err, &ce):
		return FaultRetry
	case errors.As(err, &ee):
		return FaultFatal
	}
	return e.cfg.Driver.Classify(err)
}

// recover decides, after a failed attempt, whether to try again: it sleeps the backoff,
// renews (when renew is given) or refreshes the token stale, and returns nil to try again;
// or it returns the error to give up with.
func (e *Engine) recover(ctx context.Context, err error, a *attempts, stale *Token, renew func(context.Context) error) error {
	switch e.classify(ctx, err) {
	case FaultCanceled:
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	case FaultRetry:
		if a.retries+1 >= e.opts.Retry.MaxAttempts {
			return err
		}
		d := e.opts.Retry.Delay(a.retries, retryAfter(err))
		a.retries++
		return e.cfg.Clock.Sleep(ctx, d)
	case FaultRenew:
		if renew == nil || a.renews >= maxRenews {
			return err
		}
		a.renews++
		return renew(ctx)
	case FaultRefreshToken:
		if stale == nil || a.refreshes >= maxRefreshes {
			return err
		}
		a.refreshes++
		if _, rerr := e.tokens.refresh(ctx, stale); rerr != nil && e.classify(ctx, rerr) != FaultRetry {
			return rerr
		}
		return nil
	}
	return err
}

// call runs op with a fresh token until it succeeds or recover gives up.
func (e *Engine) call(ctx context.Context, op func(tok *Token) error) error {
	var a attempts
	for {
		tok, err := e.tokens.get(ctx)
		if err == nil {
			if err = op(tok); err == nil {
				return nil
			}
		}
		if err := e.recover(ctx, err, &a, tok, nil); err != nil {
			return err
		}
	}
}

func retryAfter(err error) time.Duration {
	var se *smh.Error
	if errors.As(err, &se) {
		return se.RetryAfter
	}
	return 0
}
