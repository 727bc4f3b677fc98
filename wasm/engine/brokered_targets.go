package engine

import "sync"

// targetCache keeps the byte targets the function handed out, per session (ticket), so
// that parts share the requests for them: one asks for a window of parts, the next ones
// find theirs.
type targetCache struct {
	mu sync.Mutex
	m  map[string]*sessionTargets
}

// sessionTargets are one session's targets. mu is held while they are fetched, so parts of
// a session that miss wait for one request instead of sending their own.
type sessionTargets struct {
	mu     sync.Mutex
	parts  map[int]target
	window []int // the parts last asked for: a renewal asks for them again
}

func (c *targetCache) of(key string) *sessionTargets {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*sessionTargets{}
	}
	s := c.m[key]
	if s == nil {
		s = &sessionTargets{parts: map[int]target{}}
		c.m[key] = s
	}
	c.mu.Unlock()
	return s
}

// drop forgets a session that completed or was aborted.
func (c *targetCache) drop(key string) {
	c.mu.Lock()
	delete(c.m, key)
	c.mu.Unlock()
}

// maxCachedTargets bounds one session's targets (a URL and headers each): past it, the
// older windows go (their parts are sent already, or ask again).
const maxCachedTargets = 4 * targetWindow

// add keeps targets, asked for as window (nil: the begin answer's own); the caller holds
// s.mu, or the session is not shared yet.
func (s *sessionTargets) add(ts []target, window []int) {
	if len(s.parts) > maxCachedTargets {
		s.parts = map[int]target{}
	}
	for _, t := range ts {
		s.parts[t.Part] = t
		if window == nil {
			s.window = append(s.window, t.Part)
		}
	}
	if window != nil {
		s.window = window
	}
}
