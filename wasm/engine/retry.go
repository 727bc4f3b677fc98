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
// retried; the driver d sorts its errors (nil d: a token request's, sorted as any HTTP
// answer).
func (e *Engine) classify(ctx context.Context, d Driver, err error) Fault {
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
	if d == nil {
		return classifyHTTP(err)
	}
	return d.Classify(err)
}

// recover decides, after a failed attempt, whether to try again: it sleeps the backoff,
// renews (when renew is given) or refreshes the token stale, and returns nil to try again;
// or it returns the error to give up with.
func (e *Engine) recover(ctx context.Context, d Driver, err error, a *attempts, stale *Token, renew func(context.Context) error) error {
	switch e.classify(ctx, d, err) {
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
		if _, rerr := e.tokens.refresh(ctx, stale); rerr != nil && e.classify(ctx, nil, rerr) != FaultRetry {
			return rerr
		}
		return nil
	}
	return err
}

// call runs op of driver d with a fresh token until it succeeds or recover gives up. A
// token whose mode is another driver's fails it: d's sessions mean nothing to that mode.
func (e *Engine) call(ctx context.Context, d Driver, op func(tok *Token) error) error {
	var a attempts
	for {
		tok, err := e.tokens.get(ctx)
		if err == nil {
			err = e.sameMode(tok, d)
		}
		if err == nil {
			if err = op(tok); err == nil {
				return nil
			}
		}
		if err := e.recover(ctx, d, err, &a, tok, nil); err != nil {
			return err
		}
	}
}

// CodeModeChanged: the token function now answers another upload mode than the one an
// upload began in (a policy change); retrying the upload begins it afresh.
const CodeModeChanged = "ModeChanged"

func (e *Engine) sameMode(tok *Token, d Driver) error {
	td, err := e.driverFor(tok)
	if err != nil || td == d {
		return err
	}
	return newError(CodeModeChanged, "the token function changed the upload mode to %q; retry the upload", tok.Mode)
}

func retryAfter(err error) time.Duration {
	var se *smh.Error
	var sv *ServerError
	switch {
	case errors.As(err, &se):
		return se.RetryAfter
	case errors.As(err, &sv):
		return sv.RetryAfter
	}
	return 0
}
