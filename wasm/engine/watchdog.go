package engine

import (
	"sync"
	"time"
)

// watchdog calls stall when a part attempt shows no progress (no byte sent, no answer) for a
// whole timeout. It counts timer periods rather than reading the clock, so a virtual clock
// that jumps forward during another part's backoff never trips it.
type watchdog struct {
	clock   Clock
	timeout time.Duration
	stall   func()

	mu       sync.Mutex
	progress bool
	stopped  bool
	stopT    func() bool
}

func startWatchdog(c Clock, timeout time.Duration, stall func()) *watchdog {
	w := &watchdog{clock: c, timeout: timeout, stall: stall}
	w.mu.Lock()
	w.stopT = c.AfterFunc(timeout, w.check)
	w.mu.Unlock()
	return w
}

// touch records progress.
func (w *watchdog) touch() {
	w.mu.Lock()
	w.progress = true
	w.mu.Unlock()
}

func (w *watchdog) check() {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		return
	}
	if !w.progress {
		w.stopped = true
		w.mu.Unlock()
		w.stall()
		return
	}
	w.progress = false
	w.stopT = w.clock.AfterFunc(w.timeout, w.check)
	w.mu.Unlock()
}

func (w *watchdog) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	if w.stopT != nil {
		w.stopT()
	}
}
