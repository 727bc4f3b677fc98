package engine

import (
	"sync"
	"time"
)

// watchdogSlices is how many timer periods make up the timeout: the watchdog fires between
// the timeout and a quarter more after the last progress.
const watchdogSlices = 4

// watchdog calls stall when a part attempt shows no progress (no byte sent, no answer) for a
// whole timeout. It counts timer periods (a quarter of the timeout each) rather than reading
// the clock, so a virtual clock that jumps forward during another part's backoff never trips
// it: it fires after watchdogSlices periods in a row without progress.
type watchdog struct {
	clock   Clock
	timeout time.Duration
	stall   func()

	mu       sync.Mutex
	progress bool
	idle     int // periods in a row without progress
	stopped  bool
	stopT    func() bool
}

func startWatchdog(c Clock, timeout time.Duration, stall func()) *watchdog {
	w := &watchdog{clock: c, timeout: timeout, stall: stall}
	w.mu.Lock()
	w.stopT = c.AfterFunc(w.period(), w.check)
	w.mu.Unlock()
	return w
}

func (w *watchdog) period() time.Duration { return max(w.timeout/watchdogSlices, time.Nanosecond) }

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
	if w.progress {
		w.progress, w.idle = false, 0
	} else {
		w.idle++
	}
	if w.idle >= watchdogSlices {
		w.stopped = true
		w.mu.Unlock()
		w.stall()
		return
	}
	w.stopT = w.clock.AfterFunc(w.period(), w.check)
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
