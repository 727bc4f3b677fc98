package gokuai

import (
	"context"
	"errors"
	"strconv"
	"sync"

	"github.com/ferry-upload/ferry/function/provider"
	"github.com/ferry-upload/ferry/shared/gokuai"
	gkup "github.com/ferry-upload/ferry/shared/gokuai/upload"
)

// MemberLibrary is the policy's word for the caller's personal library.
const MemberLibrary = "{member}"

// Library is where a role's uploads go: a fixed library (OrgID), or each caller's personal
// library (Member: the library of the enterprise member whose out_id is the JWT sub).
type Library struct {
	OrgID  int64
	Member bool
	// Capacity is what set_by_member gives a personal library it creates: bytes, -1 for no
	// limit, 0 to leave the service's default.
	Capacity int64
}

// ParseLibrary reads a role's "library": an org_id, or "{member}".
func ParseLibrary(s string) (Library, error) {
	if s == MemberLibrary {
		return Library{Member: true}, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != s {
		return Library{}, errors.New(`use a library's org_id (like "12") or "{member}" (the caller's personal library)`)
	}
	return Library{OrgID: id}, nil
}

// cred is a library credential from bind. It never leaves the function: not in an
// answer, a log line or an error.
type cred struct{ id, secret string }

// cacheMax bounds a cache: past it, the cache starts over (every entry can be fetched
// again; it only saves calls).
const cacheMax = 10000

// cache is a concurrency-safe map of what Gokuai answered once and answers the same until
// it changes (bind's credential, a member's personal library).
type cache[K comparable, V comparable] struct {
	mu sync.Mutex
	m  map[K]V
}

func (c *cache[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *cache[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= cacheMax {
		c.m = map[K]V{}
	}
	c.m[k] = v
}

// forget drops k when it still holds v (a newer value stays).
func (c *cache[K, V]) forget(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cur, ok := c.m[k]; ok && cur == v {
		delete(c.m, k)
	}
}

// lib is a caller's library with its credential, for one request.
type lib struct {
	org    int64
	id     string         // org_client_id: an id, not a secret (upload_init names it)
	client *gokuai.Client // signs with the library's credential
}

// with runs fn with the caller's library; with s, only when the caller's library is still
// the one s was begun in (the role, or the policy, may have changed since). A credential
// Gokuai no longer knows (unbound) is bound again, and a personal library that is gone
// (destroyed) looked up again, once.
func (p *Provider) with(ctx context.Context, c *provider.Caller, s *session, fn func(l *lib) error) error {
	for attempt := 0; ; attempt++ {
		org, err := p.orgOf(ctx, c)
		if err != nil {
			return err
		}
		if s != nil && s.Org != org {
			return errOtherLibrary()
		}
		cr, err := p.credOf(ctx, org)
		if gokuai.Code(err) == gokuai.CodeLibraryNotFound && attempt == 0 {
			p.orgs.forget(c.Subject, org)
			continue
		}
		if err != nil {
			return libraryError("binding the library", err)
		}
		l := &lib{org: org, id: cr.id, client: &gokuai.Client{BaseURL: p.client.BaseURL, ClientID: cr.id, Secret: cr.secret,
			Library: true, Doer: p.client.Doer, Now: p.client.Now}}
		err = fn(l)
		if attempt == 0 && (gokuai.Code(err) == gokuai.CodeInvalidClient || gkup.Code(err) == gkup.CodeInvalidClient) {
			p.creds.forget(org, cr)
			continue
		}
		return err
	}
}

// orgOf resolves the caller's role to its library's org_id: the role's fixed library, or
// the caller's personal library, created (with the role's capacity) when it has none yet.
func (p *Provider) orgOf(ctx context.Context, c *provider.Caller) (int64, error) {
	rule, ok := p.roles[c.RoleName]
	switch {
	case !ok:
		return 0, &provider.Error{Code: provider.CodeForbidden, Status: 403, Message: "your role names no Gokuai library"}
	case !rule.Member:
		return rule.OrgID, nil
	}
	if org, ok := p.orgs.get(c.Subject); ok {
		return org, nil
	}
	member := gokuai.MemberRef{OutID: c.Subject}
	info, err := p.client.InfoByMember(ctx, member)
	if err == nil && !info.Initialized() {
		req := gokuai.SetByMemberRequest{MemberRef: member}
		if rule.Capacity != 0 {
			req.Capacity = &rule.Capacity
		}
		if err = p.client.SetByMember(ctx, req); err == nil {
			info, err = p.client.InfoByMember(ctx, member)
		}
	}
	switch {
	case gokuai.Code(err) == gokuai.CodeMemberNotFound:
		return 0, &provider.Error{Code: provider.CodeForbidden, Status: 403, ProviderCode: gokuai.CodeMemberNotFound,
			Message: "you are not a member of the Gokuai enterprise, so you have no personal library", Cause: err}
	case err != nil:
		return 0, libraryError("finding your personal library", err)
	case !info.Initialized():
		return 0, provider.Upstream("finding your personal library", provider.CodeUnexpected, "Gokuai did not create it", nil)
	}
	org := int64(info.OrgID)
	p.orgs.put(c.Subject, org)
	return org, nil
}

// credOf returns the library's credential: bind's answer, kept for the next calls (bind
// answers the same credential until it is unbound).
func (p *Provider) credOf(ctx context.Context, org int64) (cred, error) {
	if cr, ok := p.creds.get(org); ok {
		return cr, nil
	}
	b, err := p.client.Bind(ctx, gokuai.BindRequest{LibraryRef: gokuai.LibraryRef{OrgID: org}, Title: "ferry"})
	if err != nil {
		return cred{}, err
	}
	if b.OrgClientID == "" || b.OrgClientSecret == "" {
		return cred{}, &gokuai.Error{Code: gokuai.CodeUnexpectedResponse, Status: 200, Message: "bind answered no credential"}
	}
	cr := cred{id: string(b.OrgClientID), secret: string(b.OrgClientSecret)}
	p.creds.put(org, cr)
	return cr, nil
}

func errOtherLibrary() error {
	return &provider.Error{Code: provider.CodeForbidden, Status: 403, Message: "upload ticket refused: it is for another library"}
}
