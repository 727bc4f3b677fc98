package engine

import (
	"math"
	"time"
)

// speedWindow is the time constant of the speed's exponential smoothing.
const speedWindow = 3 * time.Second

// progress counts one task's bytes. Acknowledged bytes only grow (but for a resume that
// drops unverifiable parts, before any is reported); in-flight bytes fall back when an
// attempt fails. The fraction reported never decreases.
type progress struct {
	size     int64
	acked    int64
	inflight map[int]int64
	shown    float64 // the highest fraction reported

	moved     int64 // every byte sent, retried ones included: what the speed measures
	lastT     time.Time
	lastMoved int64
	speed     float64 // bytes per second, smoothed
	known     bool
}

func (p *progress) loaded() int64 {
	n := p.acked
	for _, v := range p.inflight {
		n += v
	}
	return min(n, p.size)
}

// setInflight records that part n's current attempt has sent bytes so far.
func (p *progress) setInflight(n int, sent int64) {
	if p.inflight == nil {
		p.inflight = map[int]int64{}
	}
	if d := sent - p.inflight[n]; d > 0 {
		p.moved += d
	}
	p.inflight[n] = sent
}

func (p *progress) clearInflight(n int) { delete(p.inflight, n) }

func (p *progress) ack(n int, size int64) {
	p.clearInflight(n)
	p.acked += size
}

// fraction is loaded/size, never below what was reported before; done is 1.
func (p *progress) fraction(done bool) float64 {
	f := 0.0
	switch {
	case done:
		f = 1
	case p.size > 0:
		f = float64(p.loaded()) / float64(p.size)
	}
	f = math.Min(f, 1)
	if f > p.shown {
		p.shown = f
	}
	return p.shown
}

// sample updates the smoothed speed; samples closer than a quarter second are merged.
func (p *progress) sample(now time.Time) {
	if p.lastT.IsZero() {
		p.lastT, p.lastMoved = now, p.moved
		return
	}
	dt := now.Sub(p.lastT)
	if dt < 250*time.Millisecond {
		return
	}
	rate := float64(p.moved-p.lastMoved) / dt.Seconds()
	if !p.known {
		p.speed, p.known = rate, true
	} else {
		alpha := 1 - math.Exp(-dt.Seconds()/speedWindow.Seconds())
		p.speed += alpha * (rate - p.speed)
	}
	p.lastT, p.lastMoved = now, p.moved
}

// rate and eta are nil until known.
func (p *progress) rate() *float64 {
	if !p.known {
		return nil
	}
	v := p.speed
	return &v
}

func (p *progress) eta() *float64 {
	if !p.known || p.speed <= 0 {
		return nil
	}
	v := float64(p.size-p.loaded()) / p.speed
	return &v
}
