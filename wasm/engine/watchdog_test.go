package engine

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"
)

// stepClock is a clock whose timers fire only when the test advances it.
type stepClock struct {
	mu     sync.Mutex
	now    time.Duration
	timers []*stepTimer
}

type stepTimer struct {
	at      time.Duration
	f       func()
	stopped bool
}

func (c *stepClock) Now() time.Time                                   { return time.Unix(0, 0).Add(c.elapsed()) }
func (c *stepClock) Sleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func (c *stepClock) elapsed() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &stepTimer{at: c.now + d, f: f}
	c.timers = append(c.timers, t)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		was := !t.stopped
		t.stopped = true
		return was
	}
}

// advanceTo moves the clock to at, firing due timers in order.
func (c *stepClock) advanceTo(at time.Duration) {
	for {
		c.mu.Lock()
		sort.Slice(c.timers, func(i, j int) bool { return c.timers[i].at < c.timers[j].at })
		var next *stepTimer
		for len(c.timers) > 0 && next == nil {
			if t := c.timers[0]; t.stopped {
				c.timers = c.timers[1:]
			} else if t.at <= at {
				next, c.timers = t, c.timers[1:]
				t.stopped = true
				c.now = t.at
			} else {
				break
			}
		}
		if next == nil {
			c.now = at
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		next.f()
	}
}

// TestWatchdogFiresSoonAfterTheTimeout: the watchdog fires between the timeout and a
// quarter more after the last progress, however the progress falls in its timer periods.
// (It used to wait for a whole period without progress, so a part whose bytes all went out
// early in a period was cut only after almost twice the timeout: the chaos test's stalls
// held a part slot for a minute instead of 30 s.)
func TestWatchdogFiresSoonAfterTheTimeout(t *testing.T) {
	const timeout = 30 * time.Second
	for _, last := range []time.Duration{0, time.Second, 7 * time.Second, 29 * time.Second, 31 * time.Second, 44 * time.Second} {
		c := &stepClock{}
		var firedAt time.Duration = -1
		w := startWatchdog(c, timeout, func() { firedAt = c.elapsed() })
		for at := time.Duration(0); at <= last; at += 500 * time.Millisecond {
			c.advanceTo(at)
			if last > 0 {
				w.touch()
			}
		}
		c.advanceTo(last + 2*timeout)
		if firedAt < 0 {
			t.Fatalf("last progress at %v: never fired", last)
		}
		if idle := firedAt - last; idle < timeout || idle > timeout+timeout/4 {
			t.Errorf("last progress at %v: fired at %v, %v later (want %v to %v)", last, firedAt, idle, timeout, timeout+timeout/4)
		}
		w.stop()
	}
}
