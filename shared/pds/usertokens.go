package pds

import (
	"context"
	"crypto/rsa"
	"sync"
	"time"
)

// UserTokens hands out access tokens of the domain's users through the JWT-bearer grant,
// each kept until shortly before it expires. Concurrent requests for one user share one
// exchange. The zero value is not usable: set every field but Now, Reuse and Max.
type UserTokens struct {
	Client     *Client
	Key        *rsa.PrivateKey // the JWT app's private key
	ClientID   string
	DomainID   string
	AutoCreate bool
	Now        func() time.Time // nil: time.Now
	// Margin is how long before its expiry a token is replaced (default 2 minutes).
	Margin time.Duration
	// Max bounds the users kept (default 1024): past it, the cache starts afresh.
	Max int

	mu    sync.Mutex
	users map[string]*userToken
}

type userToken struct {
	mu      sync.Mutex // held during an exchange, so one exchange serves every waiter
	tok     *Token
	expires time.Time
}

// Get returns a valid access token of user, exchanging a new assertion when none is kept.
func (u *UserTokens) Get(ctx context.Context, user string) (*Token, error) {
	e := u.entry(user)
	e.mu.Lock()
	defer e.mu.Unlock()
	now := u.now()
	if e.tok != nil && now.Before(e.expires.Add(-u.margin())) {
		return e.tok, nil
	}
	a, err := SignAssertion(u.Key, Assertion{ClientID: u.ClientID, UserID: user, DomainID: u.DomainID,
		AutoCreate: u.AutoCreate}, now)
	if err != nil {
		return nil, err
	}
	t, err := u.Client.TokenByAssertion(ctx, u.ClientID, a)
	if err != nil {
		return nil, err
	}
	e.tok, e.expires = t, now.Add(time.Duration(t.ExpiresIn)*time.Second)
	return t, nil
}

// Forget drops user's token if it is still tok: PDS said it is invalid (revoked, or the
// clocks disagree), so the next Get exchanges a new one. A newer token is kept.
func (u *UserTokens) Forget(user string, tok *Token) {
	e := u.entry(user)
	e.mu.Lock()
	if e.tok == tok {
		e.tok = nil
	}
	e.mu.Unlock()
}

func (u *UserTokens) entry(user string) *userToken {
	u.mu.Lock()
	defer u.mu.Unlock()
	max := u.Max
	if max <= 0 {
		max = 1024
	}
	if u.users == nil || len(u.users) >= max && u.users[user] == nil {
		u.users = make(map[string]*userToken)
	}
	e := u.users[user]
	if e == nil {
		e = new(userToken)
		u.users[user] = e
	}
	return e
}

func (u *UserTokens) now() time.Time {
	if u.Now != nil {
		return u.Now()
	}
	return time.Now()
}

func (u *UserTokens) margin() time.Duration {
	if u.Margin > 0 {
		return u.Margin
	}
	return 2 * time.Minute
}
