package function

import (
	"math"
	"net"
	"sync"
	"time"
)

// limiter is a per-user token bucket held in process memory: the limit is per instance
// (and, on Workers, where each request runs in a fresh instance, effectively per request).
type limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

const maxBuckets = 10000

func newLimiter(rl RateLimit, now func() time.Time) *limiter {
	if rl.Off {
		return nil
	}
	return &limiter{rate: float64(rl.Requests) / rl.Per.Seconds(), burst: float64(rl.Requests),
		now: now, buckets: map[string]*bucket{}}
}

// allow takes one token from key's bucket; when empty it says how long until one is back.
func (l *limiter) allow(key string) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// sweep drops buckets that have refilled (they hold no state worth keeping), and
// everything if that is not enough.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= maxBuckets {
		clear(l.buckets)
	}
}

// addressKey is the rate-limit key of a client address as the adapter put it in
// RemoteAddr: the TCP peer locally, sourceIp on Lambda, CF-Connecting-IP on Workers. IPv6
// addresses count per /64, the prefix one subscriber holds and can rotate through. The key
// starts with a NUL, which no JWT sub may hold, so it never meets a user's bucket.
func addressKey(remote string) string {
	host := remote
	if h, _, err := net.SplitHostPort(remote); err == nil {
		host = h
	}
	ip := net.ParseIP(host)
	switch {
	case ip == nil:
		if host == "" {
			host = "unknown"
		}
		return "\x00addr " + host
	case ip.To4() != nil:
		return "\x00addr " + ip.To4().String()
	default:
		return "\x00addr " + ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
}
