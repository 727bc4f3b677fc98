//go:build js && wasm

package jsx

import (
	"context"
	"sync"

	"github.com/hack-pad/safejs"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// WebLocks is an engine.Locker over the Web Locks API (navigator.locks, available in
// workers): a lock held by one tab is refused at once (ifAvailable) to every other tab, and
// the browser frees it when the tab goes away.
type WebLocks struct{ locks safejs.Value }

var _ engine.Locker = (*WebLocks)(nil)

// NewWebLocks returns the Web Locks locker, or false where the API is missing.
func NewWebLocks() (*WebLocks, bool) {
	nav, err := global("navigator")
	if err != nil || nav.IsUndefined() || nav.IsNull() {
		return nil, false
	}
	l, err := nav.Get("locks")
	if err != nil || l.IsUndefined() || l.IsNull() {
		return nil, false
	}
	return &WebLocks{locks: l}, true
}

func (w *WebLocks) TryLock(ctx context.Context, name string) (func(), error) {
	// The lock is held while the promise the callback returns is pending: unlock resolves it.
	hold, release, err := newPromise()
	if err != nil {
		return nil, err
	}
	granted := make(chan bool, 1)
	cb, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) == 0 || args[0].IsNull() || args[0].IsUndefined() {
			granted <- false
			return nil
		}
		granted <- true
		return hold
	})
	if err != nil {
		return nil, err
	}
	opts, err := object(map[string]any{"ifAvailable": true})
	if err != nil {
		cb.Release()
		return nil, err
	}
	if _, err := w.locks.Call("request", name, opts, cb); err != nil {
		cb.Release()
		return nil, err
	}
	select {
	case ok := <-granted:
		cb.Release()
		if !ok {
			return nil, engine.ErrBusy
		}
	case <-ctx.Done():
		// The callback may still run; give back whatever it gets.
		go func() {
			if <-granted {
				_, _ = release.Invoke()
			}
			cb.Release()
		}()
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() { once.Do(func() { _, _ = release.Invoke() }) }, nil
}
