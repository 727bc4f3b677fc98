package engine

import (
	"math/rand/v2"
	"sync"
	"time"
)

// Backoff is capped exponential backoff with full jitter: before retry n (0-based) it waits
// a uniform random time in [0, min(Max, Base·2ⁿ)), or the server's Retry-After when that is
// longer. It gives up after MaxAttempts attempts.
type Backoff struct {
	Base        time.Duration // default 500 ms
	Max         time.Duration // default 30 s
	MaxAttempts int           // attempts per operation, the first included (default 10)
	// Rand returns a uniform number in [0, 1); nil uses a seeded generator (Seed).
	Rand func() float64
	// Seed seeds the default generator, so a test run can be repeated (0 = 1).
	Seed uint64
}

func (b Backoff) withDefaults() Backoff {
	if b.Base <= 0 {
		b.Base = 500 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 30 * time.Second
	}
	if b.MaxAttempts <= 0 {
		b.MaxAttempts = 10
	}
	if b.Rand == nil {
		seed := b.Seed
		if seed == 0 {
			seed = 1
		}
		var mu sync.Mutex
		r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		b.Rand = func() float64 {
			mu.Lock()
			defer mu.Unlock()
			return r.Float64()
		}
	}
	return b
}

// Delay is the wait before retry n (0-based), given the server's Retry-After (0 if none).
func (b Backoff) Delay(n int, retryAfter time.Duration) time.Duration {
	ceiling := b.Max
	if n < 62 {
		if d := b.Base << n; d > 0 && d < ceiling {
			ceiling = d
		}
	}
	d := time.Duration(b.Rand() * float64(ceiling))
	return max(d, retryAfter)
}
