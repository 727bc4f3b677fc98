package function

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Per-caller limits of brokered roles (issue 11): maxOpenUploads caps the uploads a caller
// holds open through the function, quotaBytes caps the bytes of their area (files stored
// under the prefix, measured by the provider's UsageReader at each begin, plus the declared
// sizes of their open uploads). Both are checked at POST /v1/uploads after the path, size
// and type, before anything is begun upstream. An upload counts from before its begin until
// it is completed, aborted or its ticket expires; a quick-upload hit completes at once and
// then counts as stored.

// pendingLifetime bounds a reservation held while the upstream begin runs, should the
// instance die before it is settled (a shared store would otherwise keep it a day).
const pendingLifetime = 5 * time.Minute

func (r *Role) validateLimits() error {
	const direct = "a direct token begins uploads without the function, which could not count them; use mode \"brokered\""
	switch {
	case r.MaxOpenUploads < 0:
		return fmt.Errorf("maxOpenUploads %d: use 0 (no cap) or a positive number of uploads", r.MaxOpenUploads)
	case r.QuotaBytes < 0:
		return fmt.Errorf("quotaBytes %d: use 0 (no quota) or a positive number of bytes", r.QuotaBytes)
	case r.Mode != ModeBrokered && r.MaxOpenUploads > 0:
		return fmt.Errorf("maxOpenUploads is enforced only for brokered roles: %s", direct)
	case r.Mode != ModeBrokered && r.QuotaBytes > 0:
		return fmt.Errorf("quotaBytes is enforced only for brokered roles: %s", direct)
	}
	return nil
}

func (r *Role) limited() bool { return r.MaxOpenUploads > 0 || r.QuotaBytes > 0 }

// checkQuotaSupport refuses a policy with a byte quota on a provider that cannot measure
// what a caller stores.
func checkQuotaSupport(p Provider, pol *Policy) error {
	if _, ok := p.(UsageReader); ok {
		return nil
	}
	for _, name := range pol.roleNames() {
		if pol.Roles[name].QuotaBytes > 0 {
			return fmt.Errorf("POLICY: role %q: quotaBytes needs a provider that can measure a caller's files; %q cannot", name, p.Name())
		}
	}
	return nil
}

// reservation is an upload's place in its caller's counts.
type reservation struct{ key, id string }

func usageKey(p Provider, c *Caller) string {
	// NUL cannot occur in a sub, a space id or a library id, so keys do not collide.
	return p.Name() + "\x00" + p.Library() + "\x00" + c.Space + "\x00" + c.Subject
}

// usageID names an open upload in the store by its ticket's provider handle, hashed: the
// handle may be a capability (SMH's confirm key), and a shared store is not the place for it.
func usageID(t *Ticket) string {
	sum := sha256.Sum256([]byte(t.Session))
	return "u." + hex.EncodeToString(sum[:16])
}

// reserveUpload checks the caller's limits for an upload of size bytes and holds its place
// while it is begun upstream. nil, nil: the role has no limit.
func (h *handler) reserveUpload(ctx context.Context, c *Caller, size int64) (*reservation, error) {
	role := c.Role
	if !role.limited() {
		return nil, nil
	}
	lim := UsageLimit{MaxOpen: role.MaxOpenUploads, Quota: role.QuotaBytes}
	l := logOf(ctx)
	if role.QuotaBytes > 0 {
		ur, ok := h.provider.(UsageReader)
		if !ok { // refused at start (checkQuotaSupport); never skip the quota
			return nil, &Error{Code: CodeInternal, Status: http.StatusInternalServerError, Message: "internal error",
				Cause: fmt.Errorf("role %q has quotaBytes but provider %q cannot measure usage", c.RoleName, h.provider.Name())}
		}
		stored, err := ur.Usage(ctx, &c.Caller)
		if err != nil {
			return nil, err
		}
		lim.Stored = stored
		l.add(slog.Int64("storedBytes", stored))
	}
	res := &reservation{key: usageKey(h.provider, c), id: "pending." + rand.Text()}
	u, ok, err := h.cfg.Usage.Reserve(ctx, res.key, res.id, size, h.cfg.Now().Add(pendingLifetime), lim)
	if err != nil {
		return nil, err
	}
	l.add(slog.Int("openUploads", u.Open), slog.Int64("openBytes", u.Bytes))
	if ok {
		return res, nil
	}
	if lim.MaxOpen > 0 && u.Open >= lim.MaxOpen {
		return nil, errQuota("%d %s already open; finish or cancel one", u.Open, plural(u.Open, "upload", "uploads"))
	}
	return nil, errQuota("this upload needs %d bytes; %d of %d are used", size, lim.Stored+u.Bytes, lim.Quota)
}

// settleUpload moves a reservation onto the begun upload, open until its ticket expires. It
// adds the upload before dropping the reservation, so a begin racing it sees one more, never
// one less.
func (h *handler) settleUpload(ctx context.Context, res *reservation, t *Ticket) error {
	if res == nil {
		return nil
	}
	if _, _, err := h.cfg.Usage.Reserve(ctx, res.key, usageID(t), t.Size, time.Unix(t.Expires, 0), UsageLimit{}); err != nil {
		return err
	}
	h.dropReservation(ctx, res)
	return nil
}

// dropReservation gives back a reservation whose begin failed or completed at once.
func (h *handler) dropReservation(ctx context.Context, res *reservation) {
	if res == nil {
		return
	}
	if err := h.cfg.Usage.Release(ctx, res.key, res.id); err != nil {
		logOf(ctx).add(slog.String("usage", "release failed: "+safeErr(err)))
	}
}

// releaseUpload frees an upload's place once it is no longer open (completed, aborted or
// gone upstream). Uploads of roles without limits were never counted.
func (h *handler) releaseUpload(ctx context.Context, c *Caller, t *Ticket) {
	if !c.Role.limited() {
		return
	}
	h.dropReservation(ctx, &reservation{key: usageKey(h.provider, c), id: usageID(t)})
}

func errQuota(format string, args ...any) *Error {
	return newError(CodeQuotaExceeded, http.StatusForbidden, format, args...)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
