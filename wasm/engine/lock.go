package engine

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Locker gives one owner at a time to a checkpoint: Web Locks in the browser (one tab owns an
// upload; a second sees it as busy), a map natively.
type Locker interface {
	// TryLock takes the named lock when nobody holds it, or fails with ErrBusy at once.
	TryLock(ctx context.Context, name string) (unlock func(), err error)
}

// WaitLocker is a Locker that can also wait for a lock.
type WaitLocker interface {
	Locker
	// Lock takes the named lock, waiting until it is free; when ctx ends first it returns
	// ctx's error (and never takes the lock later).
	Lock(ctx context.Context, name string) (unlock func(), err error)
}

// DefaultLockGrace is how long after its start an engine waits for a busy lock: long enough
// for the browser to free the locks of the page a reload replaced.
const DefaultLockGrace = 3 * time.Second

// MemoryLocker is a Locker within one process; share one between engines to play two tabs.
type MemoryLocker struct {
	mu    sync.Mutex
	held  map[string]bool
	freed chan struct{} // closed and replaced whenever a lock is released
}

var _ WaitLocker = (*MemoryLocker)(nil)

func (l *MemoryLocker) TryLock(_ context.Context, name string) (func(), error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	unlock, _ := l.takeLocked(name)
	if unlock == nil {
		return nil, ErrBusy
	}
	return unlock, nil
}

func (l *MemoryLocker) Lock(ctx context.Context, name string) (func(), error) {
	for {
		l.mu.Lock()
		unlock, freed := l.takeLocked(name)
		l.mu.Unlock()
		if unlock != nil {
			return unlock, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-freed:
		}
	}
}

// takeLocked takes the lock, or returns the channel closed at the next release.
func (l *MemoryLocker) takeLocked(name string) (func(), chan struct{}) {
	if l.freed == nil {
		l.freed = make(chan struct{})
	}
	if l.held[name] {
		return nil, l.freed
	}
	if l.held == nil {
		l.held = map[string]bool{}
	}
	l.held[name] = true
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			delete(l.held, name)
			close(l.freed)
			l.freed = make(chan struct{})
			l.mu.Unlock()
		})
	}, nil
}

// lock takes the named lock. Right after the engine starts (a page just reloaded), a lock the
// replaced page's worker held may not be free yet: the browser frees it when that worker is
// gone, moments later. So until LockGrace after the start, a busy lock is waited for, up to
// the end of that window, where the Locker can wait; later a busy lock fails at once with
// ErrBusy (another live tab owns the upload).
func (e *Engine) lock(ctx context.Context, name string) (func(), error) {
	unlock, err := e.cfg.Locker.TryLock(ctx, name)
	if err == nil || !errors.Is(err, ErrBusy) {
		return unlock, err
	}
	if t := e.finishing(name); t != nil {
		// Stored and reported, its lock not yet let go (Task.finish's tail): soon free.
		if werr := t.waitFinished(ctx); werr != nil {
			return nil, werr
		}
	}
	wl, ok := e.cfg.Locker.(WaitLocker)
	if ok && e.letGoLately(name) {
		// This engine let it go a moment ago, and a browser frees a Web Lock a moment after
		// that: the grant is waited for, briefly (another tab that took it meanwhile keeps it).
		wctx, cancel := context.WithTimeout(ctx, letGoWait)
		defer cancel()
		if unlock, werr := wl.Lock(wctx, name); werr == nil || ctx.Err() != nil {
			return unlock, werr
		}
		return nil, err
	}
	deadline := e.started.Add(e.lockGrace)
	if !ok || !time.Now().Before(deadline) || e.ownsLock(name) {
		return nil, err
	}
	wctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	if unlock, werr := wl.Lock(wctx, name); werr == nil {
		return unlock, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, err
}

// letGoWait is how long a lock this engine let go is waited for, and how long after.
const letGoWait = 5 * time.Second

// letGo records that a task of this engine let the named lock go.
func (e *Engine) letGo(name string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := time.Now()
	for n, at := range e.released { // the map holds only recent names
		if now.Sub(at) > letGoWait {
			delete(e.released, n)
		}
	}
	e.released[name] = now
}

// letGoLately reports whether a task of this engine let the named lock go lately.
func (e *Engine) letGoLately(name string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	at, ok := e.released[name]
	return ok && time.Since(at) <= letGoWait
}

// finishing is the task of this engine whose finishing work (Task.finish's tail) lets the
// named lock go, or nil.
func (e *Engine) finishing(name string) *Task {
	for _, t := range e.Tasks() {
		t.mu.Lock()
		f := t.tailLock == name && t.settling > 0
		t.mu.Unlock()
		if f {
			return t
		}
	}
	return nil
}

// ownsLock reports whether a task of this engine holds the named lock.
func (e *Engine) ownsLock(name string) bool {
	for _, t := range e.Tasks() {
		t.mu.Lock()
		held := t.lock == name
		t.mu.Unlock()
		if held {
			return true
		}
	}
	return false
}
