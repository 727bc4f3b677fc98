package engine

import (
	"context"
	"sync"
)

// Locker gives one owner at a time to a checkpoint: Web Locks in the browser (one tab owns an
// upload; a second sees it as busy), a map natively.
type Locker interface {
	// TryLock takes the named lock when nobody holds it, or fails with ErrBusy at once.
	TryLock(ctx context.Context, name string) (unlock func(), err error)
}

// MemoryLocker is a Locker within one process; share one between engines to play two tabs.
type MemoryLocker struct {
	mu   sync.Mutex
	held map[string]bool
}

func (l *MemoryLocker) TryLock(_ context.Context, name string) (func(), error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held[name] {
		return nil, ErrBusy
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
			l.mu.Unlock()
		})
	}, nil
}
