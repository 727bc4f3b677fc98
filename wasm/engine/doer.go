package engine

import (
	"context"
	"time"

	"github.com/ferry-upload/ferry/shared/smh"
)

// DefaultRequestTimeout bounds one control-plane or token-function request: a request that
// hangs (a stalled connection) fails as a network error and is retried.
const DefaultRequestTimeout = time.Minute

// timeoutDoer gives every request its own deadline.
type timeoutDoer struct {
	doer    smh.Doer
	timeout time.Duration
}

func withTimeout(d smh.Doer, timeout time.Duration) smh.Doer {
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	return timeoutDoer{doer: d, timeout: timeout}
}

func (t timeoutDoer) Do(ctx context.Context, req *smh.Request) (*smh.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	return t.doer.Do(ctx, req)
}
