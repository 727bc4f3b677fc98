package smh

import (
	"context"
	"sync"
	"time"

	"github.com/ferry-upload/ferry/shared/smh"
)

// Purposes of server-side tokens: each names the only grants its tokens carry.
const (
	PurposeConfirm   = "confirm"
	PurposeDirectory = "directory"
	PurposeDelete    = "delete"
	purposeBegin     = "begin" // brokered begin; "-force" may replace, "-quick" may store by hash
)

// Grants of the server-side tokens, per purpose. Reading and canceling an upload task needs a
// begin grant (provider-apis.md §1.2: "upload-state and cancel need the begin set");
// confirming needs confirm_upload.
var (
	GrantsConfirm   = []string{"begin_upload", "confirm_upload"}
	GrantsDirectory = []string{"create_directory"}
	GrantsDelete    = []string{"delete_file_permanent"}
)

var purposeGrants = map[string][]string{
	PurposeConfirm:                GrantsConfirm,
	PurposeDirectory:              GrantsDirectory,
	PurposeDelete:                 GrantsDelete,
	purposeBegin:                  {"begin_upload"},
	purposeBegin + "-force":       {"begin_upload_force"},
	purposeBegin + "-quick":       {"begin_upload", "confirm_upload"},
	purposeBegin + "-force-quick": {"begin_upload_force", "confirm_upload"},
}

const (
	serverTokenPeriod = 300             // seconds: SMH's minimum
	serverTokenReuse  = 2 * time.Minute // well inside the period (it also renews on use)
	maxServerTokens   = 1024
)

// Key names a server-side token: whose, in which space, for what.
type Key struct{ User, Space, Purpose string }

type cachedToken struct {
	token string
	until time.Time
}

// Tokens mints the function's own tokens: on demand, with the caller's sub as user_id, the
// grants of one purpose only, the shortest period, and reused briefly. Safe for concurrent use.
type Tokens struct {
	client *smh.Client
	secret string
	now    func() time.Time

	mu    sync.Mutex
	cache map[Key]cachedToken
}

// NewTokens returns a cache minting with the library secret through client.
func NewTokens(client *smh.Client, librarySecret string, now func() time.Time) *Tokens {
	return &Tokens{client: client, secret: librarySecret, now: now, cache: map[Key]cachedToken{}}
}

func (s *Tokens) get(ctx context.Context, k Key) (string, error) {
	s.mu.Lock()
	c, ok := s.cache[k]
	s.mu.Unlock()
	if ok && s.now().Before(c.until) {
		return c.token, nil
	}
	return s.mint(ctx, k)
}

func (s *Tokens) mint(ctx context.Context, k Key) (string, error) {
	req := smh.TokenRequest{Secret: s.secret, UserID: k.User, Period: serverTokenPeriod, Grants: purposeGrants[k.Purpose]}
	if k.Space != "-" {
		req.SpaceIDs = []string{k.Space}
	}
	t, err := s.client.CreateToken(ctx, req)
	if err != nil {
		return "", Upstream("minting a server-side token", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.cache) >= maxServerTokens {
		clear(s.cache)
	}
	s.cache[k] = cachedToken{token: t.AccessToken, until: s.now().Add(serverTokenReuse)}
	return t.AccessToken, nil
}

func (s *Tokens) drop(k Key) {
	s.mu.Lock()
	delete(s.cache, k)
	s.mu.Unlock()
}

// DropUser forgets every cached token of a user (after revocation).
func (s *Tokens) DropUser(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.cache {
		if k.User == user {
			delete(s.cache, k)
		}
	}
}

// With runs fn with a server token; when SMH says the token is dead (InvalidAccessToken,
// or a 401/403 without a readable code, as a HEAD answers), it mints a new one and runs fn
// once more.
func (s *Tokens) With(ctx context.Context, k Key, fn func(token string) error) error {
	tok, err := s.get(ctx, k)
	if err != nil {
		return err
	}
	err = fn(tok)
	if !smh.DeadToken(err) {
		return err
	}
	s.drop(k)
	if tok, err = s.mint(ctx, k); err != nil {
		return err
	}
	return fn(tok)
}
