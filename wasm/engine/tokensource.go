package engine

import (
	"context"
	"sync"
	"time"
)

// Token is the token function's answer (interfaces.md §3, §5.2). A brokered answer
// (Mode "brokered") carries no accessToken, apiBase or grants: its uploads go through
// UploadsURL.
type Token struct {
	Provider     string   `json:"provider"` // "smh"; "" from functions that predate modes
	Mode         string   `json:"mode"`     // ModeBrokered or ModeDirect ("" = direct)
	UploadsURL   string   `json:"uploadsUrl"`
	QuickUpload  bool     `json:"quickUpload"` // brokered: hashes may be sent
	AccessToken  string   `json:"accessToken"`
	ExpiresIn    int      `json:"expiresIn"` // seconds, from when it was issued
	LibraryID    string   `json:"libraryId"`
	SpaceID      string   `json:"spaceId"`
	APIBase      string   `json:"apiBase"`
	UserID       string   `json:"userId"`
	Grants       []string `json:"grants"`
	Confirm      string   `json:"confirm"` // "function" or "direct"
	ConfirmURL   string   `json:"confirmUrl"`
	DirectoryURL string   `json:"directoryUrl"`
	Limits       Limits   `json:"limits"`

	// Issued is when the engine received the token (not part of the answer).
	Issued time.Time `json:"-"`
}

// Limits are the caller's restrictions, from the token answer.
type Limits struct {
	MaxFileSize  int64    `json:"maxFileSize"`
	AllowedTypes []string `json:"allowedTypes"`
	PathPrefix   string   `json:"pathPrefix"`
}

// Confirm modes of a token answer.
const (
	ConfirmFunction = "function"
	ConfirmDirect   = "direct"
)

// Upload modes of a token answer.
const (
	ModeBrokered = "brokered"
	ModeDirect   = "direct"
)

// Expires is when the token stops working (zero if the answer gave no lifetime).
func (t *Token) Expires() time.Time {
	if t.ExpiresIn <= 0 {
		return time.Time{}
	}
	return t.Issued.Add(time.Duration(t.ExpiresIn) * time.Second)
}

// HasGrant reports whether the token carries any of the grants.
func (t *Token) HasGrant(grants ...string) bool {
	for _, g := range t.Grants {
		for _, w := range grants {
			if g == w {
				return true
			}
		}
	}
	return false
}

// TokenSource mints tokens: the token function's POST /v1/token (see Function), or in tests
// a source that asks the emulator directly. Each call is one request; the engine caches.
type TokenSource interface {
	FetchToken(ctx context.Context) (*Token, error)
}

// TokenSourceFunc adapts a function to TokenSource.
type TokenSourceFunc func(ctx context.Context) (*Token, error)

func (f TokenSourceFunc) FetchToken(ctx context.Context) (*Token, error) { return f(ctx) }

// tokenCache hands out one shared token, fetched again shortly before it expires and, when
// the server says it is invalid, by exactly one refresh however many parts noticed.
type tokenCache struct {
	src   TokenSource
	clock Clock

	mu       sync.Mutex
	cur      *Token
	inflight *tokenFetch
}

type tokenFetch struct {
	done chan struct{}
	tok  *Token
	err  error
}

// get returns a token that is not about to expire.
func (c *tokenCache) get(ctx context.Context) (*Token, error) {
	c.mu.Lock()
	if t := c.cur; t != nil && c.fresh(t) {
		c.mu.Unlock()
		return t, nil
	}
	return c.fetchLocked(ctx)
}

// refresh replaces stale (the token a request was refused with) by one new token. Callers
// holding the same stale token share one fetch; a caller whose stale token was already
// replaced gets the replacement at once.
func (c *tokenCache) refresh(ctx context.Context, stale *Token) (*Token, error) {
	c.mu.Lock()
	if c.cur != nil && c.cur != stale && c.fresh(c.cur) {
		t := c.cur
		c.mu.Unlock()
		return t, nil
	}
	if c.cur == stale {
		c.cur = nil
	}
	return c.fetchLocked(ctx)
}

func (c *tokenCache) forget() {
	c.mu.Lock()
	c.cur = nil
	c.mu.Unlock()
}

// fresh: more than a minute (or a quarter of its life, if shorter) left.
func (c *tokenCache) fresh(t *Token) bool {
	exp := t.Expires()
	if exp.IsZero() {
		return true
	}
	margin := min(time.Minute, time.Duration(t.ExpiresIn)*time.Second/4)
	return c.clock.Now().Add(margin).Before(exp)
}

// fetchLocked is called with c.mu held and releases it.
func (c *tokenCache) fetchLocked(ctx context.Context) (*Token, error) {
	f := c.inflight
	if f == nil {
		f = &tokenFetch{done: make(chan struct{})}
		c.inflight = f
		go func() {
			// Detached from the first caller's context: others may be waiting on it.
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
			defer cancel()
			tok, err := c.src.FetchToken(fctx)
			if err == nil {
				tok.Issued = c.clock.Now()
			}
			c.mu.Lock()
			f.tok, f.err = tok, err
			if err == nil {
				c.cur = tok
			}
			c.inflight = nil
			c.mu.Unlock()
			close(f.done)
		}()
	}
	c.mu.Unlock()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-f.done:
		return f.tok, f.err
	}
}
