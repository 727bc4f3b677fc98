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

var _ engine.WaitLocker = (*WebLocks)(nil)

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

// TryLock asks for the lock with ifAvailable: a lock held elsewhere is refused at once.
func (w *WebLocks) TryLock(ctx context.Context, name string) (func(), error) {
	return w.request(ctx, name, true)
}

// Lock waits for the lock (navigator.locks.request with an AbortSignal). When ctx ends
// first, the request is aborted; a grant that races with the abort is given back at once.
func (w *WebLocks) Lock(ctx context.Context, name string) (func(), error) {
	return w.request(ctx, name, false)
}

func (w *WebLocks) request(ctx context.Context, name string, ifAvailable bool) (func(), error) {
	// The lock is held while the promise the callback returns is pending: unlock resolves it.
	hold, release, err := newPromise()
	if err != nil {
		return nil, err
	}
	props := map[string]any{"ifAvailable": true}
	var ctrl safejs.Value
	if !ifAvailable {
		if ctrl, err = construct("AbortController"); err != nil {
			return nil, err
		}
		signal, err := ctrl.Get("signal")
		if err != nil {
			return nil, err
		}
		props = map[string]any{"signal": signal}
	}
	opts, err := object(props)
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	abandoned := false
	granted := make(chan bool, 1)
	cb, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		mu.Lock()
		defer mu.Unlock()
		if len(args) == 0 || args[0].IsNull() || args[0].IsUndefined() {
			granted <- false
			return nil
		}
		if abandoned {
			return nil // the lock is given back as soon as this returns
		}
		granted <- true
		return hold
	})
	if err != nil {
		return nil, err
	}
	req, err := w.locks.Call("request", name, opts, cb)
	if err != nil {
		cb.Release()
		return nil, err
	}
	// The request settles once the lock is given back (or refused, or aborted): then the
	// callback is done with.
	go func() {
		_, _ = Await(context.Background(), req)
		cb.Release()
	}()
	var once sync.Once
	unlock := func() { once.Do(func() { _, _ = release.Invoke() }) }
	select {
	case ok := <-granted:
		return grant(ok, unlock)
	case <-ctx.Done():
	}
	mu.Lock()
	select {
	case ok := <-granted:
		mu.Unlock()
		return grant(ok, unlock)
	default:
		abandoned = true
	}
	mu.Unlock()
	if !ifAvailable {
		_, _ = ctrl.Call("abort")
	}
	return nil, ctx.Err()
}

func grant(ok bool, unlock func()) (func(), error) {
	if !ok {
		return nil, engine.ErrBusy
	}
	return unlock, nil
}
