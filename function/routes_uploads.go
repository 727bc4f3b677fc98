package function

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"time"

	"github.com/ferry-upload/ferry/function/provider"
)

// Brokered uploads (interfaces.md §5.2): the function runs the provider's control plane and
// hands the browser only the byte targets of the one upload the policy approved, bound to
// the caller by a sealed ticket (ticket.go). Every route authenticates the caller and
// resolves its role again; every /{id} route opens the ticket for this caller before a
// provider method runs.

// ticketLifetime bounds a ticket: an upload may be resumed (after a reload, the next day)
// for this long after it began.
const ticketLifetime = 24 * time.Hour

// uploadAnswer is the 201 answer of POST /v1/uploads.
type uploadAnswer struct {
	ID       string    `json:"id"`
	Path     string    `json:"path"`
	Size     int64     `json:"size"`
	PartSize int64     `json:"partSize"`
	Parts    int       `json:"parts"`
	Ordered  bool      `json:"ordered"`
	Expires  time.Time `json:"expiresAt"`
	Targets  []Target  `json:"targets"`
}

// postUploads checks an upload against the caller's role (path, size, type) and only then
// begins it upstream.
func (h *handler) postUploads(w http.ResponseWriter, r *http.Request) error {
	id, err := h.authenticate(r)
	if err != nil {
		return err
	}
	b, err := readBeginBody(w, r)
	if err != nil {
		return err
	}
	c, err := h.brokeredCaller(w, r, id, b.SpaceID)
	if err != nil {
		return err
	}
	role := c.Role
	rel, why := splitPath(b.Path)
	if why != "" || len(rel) == 0 {
		if why == "" {
			why = "it names no file"
		}
		return errPolicy("the path is not acceptable: %s", why)
	}
	segs := append(append([]string{}, c.Prefix...), rel...)
	full, name := joinPath(segs), rel[len(rel)-1]
	l := logOf(r.Context())
	l.add(slog.String("uploadPath", full), slog.Int64("size", *b.Size))
	switch {
	case *b.Size > role.MaxFileSize:
		return errPolicy("the file is %d bytes; your limit is %d", *b.Size, role.MaxFileSize)
	case !typeAllowed(name, role.AllowedTypes) || !declaredTypeAllowed(b.Type, name, role.AllowedTypes):
		return errPolicy("this file type is not allowed; allowed: %v", role.AllowedTypes)
	case b.Conflict == ConflictReplace && !role.mayReplace():
		return errPolicy("your role may not replace existing files (conflict \"replace\")")
	case len(b.Hashes) > 0 && !role.QuickUpload:
		return errPolicy("quick upload is turned off for your role: send no hashes")
	}
	shape := shapeOf(h.provider)
	if len(b.Hashes) > 0 {
		if shape.CheckHashes == nil {
			return errInvalid("hashes: %s has no quick upload; send none", h.provider.Name())
		}
		if err := shape.CheckHashes(b.Hashes); err != nil {
			return err
		}
	}
	var pref int64
	if b.PartSize != nil {
		pref = *b.PartSize
	}
	spec := &UploadSpec{Path: full, Size: *b.Size, Type: b.Type, Conflict: b.Conflict, PartSize: choosePartSize(*b.Size, pref),
		Labels: b.Labels, Meta: b.Meta, Hashes: b.Hashes}
	res, err := h.reserveUpload(r.Context(), c, spec.Size) // the role's maxOpenUploads and quotaBytes
	if err != nil {
		return err
	}
	begun, err := h.provider.(Beginner).Begin(r.Context(), &c.Caller, spec)
	if err != nil || begun.File != nil {
		h.dropReservation(r.Context(), res) // nothing open: refused, or stored at once
	}
	if err != nil {
		return err
	}
	if begun.File != nil {
		// Stored from the hashes alone: the same checks as any completion.
		f, err := h.checkStored(r.Context(), c, begun.File, spec.Size)
		if err != nil {
			return err
		}
		// Rapid: stored from the hashes. A 0-byte file stored at once (Gokuai's, which has
		// nothing to send) was not.
		rapid := spec.Size > 0
		l.add(slog.Bool("rapid", rapid))
		h.notifyStored(c, f)
		writeJSON(w, http.StatusOK, map[string]any{"file": f, "rapid": rapid})
		return nil
	}
	t := &Ticket{Provider: h.provider.Name(), Library: h.provider.Library(), Space: c.Space, Subject: c.Subject,
		Path: full, Size: spec.Size, Type: b.Type, Session: begun.Session, PartSize: spec.PartSize,
		Expires: h.cfg.Now().Add(ticketLifetime).Unix()}
	sealed, err := h.tickets.seal(t)
	if err == nil {
		err = h.settleUpload(r.Context(), res, t)
	}
	if err != nil {
		// Nobody will hear of this upload: cancel it rather than leave it open uncounted.
		if ab, ok := h.provider.(Aborter); ok {
			if aerr := ab.Abort(r.Context(), &c.Caller, t); aerr != nil {
				l.add(slog.String("cancel", "failed: "+safeErr(aerr)))
			}
		}
		h.dropReservation(r.Context(), res)
		return err
	}
	l.add(slog.String("upload", keyTag(begun.Session)))
	writeJSON(w, http.StatusCreated, map[string]any{"upload": uploadAnswer{ID: sealed, Path: full, Size: spec.Size,
		PartSize: spec.PartSize, Parts: partCount(spec.Size, spec.PartSize), Ordered: shape.Ordered, Expires: begun.Expires,
		Targets: begun.Targets}})
	return nil
}

// brokeredCaller authenticates nothing: it resolves an authenticated caller's role and
// refuses roles that upload directly.
func (h *handler) brokeredCaller(w http.ResponseWriter, r *http.Request, id *Identity, space string) (*Caller, error) {
	sc, err := h.resolve(r, id, space)
	if err != nil {
		return nil, err
	}
	if sc.Role.Mode != ModeBrokered {
		return nil, errForbidden("your role %q uploads directly with its own token, not through /v1/uploads", sc.RoleName)
	}
	c := &Caller{Role: sc.Role, Caller: provider.Caller{Subject: id.Subject, RoleName: sc.RoleName, Space: sc.Space,
		Prefix: sc.Prefix, JWTExpiry: id.Expires}}
	if err := h.withPDSSession(w, r, c); err != nil {
		return nil, err
	}
	return c, nil
}

// openUpload authenticates the caller and opens the ticket of an /v1/uploads/{id} route: it
// must be this caller's, intact, still inside the caller's area, and unexpired or, to
// cancel (grace abortGrace), expired less than grace ago.
func (h *handler) openUpload(w http.ResponseWriter, r *http.Request, grace time.Duration) (*Caller, *Ticket, error) {
	id, err := h.authenticate(r)
	if err != nil {
		return nil, nil, err
	}
	l := logOf(r.Context())
	t, why, err := h.tickets.open(r.PathValue("id"), h.provider.Name(), h.provider.Library(), id.Subject, grace)
	if err != nil {
		l.add(slog.String("ticket", why))
		return nil, nil, errForbidden("upload ticket refused")
	}
	c, err := h.brokeredCaller(w, r, id, t.Space)
	if err != nil {
		return nil, nil, err
	}
	segs, why := splitPath(t.Path)
	if why != "" || !underPrefix(segs, c.Prefix, true) {
		l.add(slog.String("ticket", "outside the caller's current area"))
		return nil, nil, errForbidden("upload ticket refused")
	}
	l.add(slog.String("upload", keyTag(t.Session)), slog.String("uploadPath", t.Path))
	return c, t, nil
}

func (h *handler) postTargets(w http.ResponseWriter, r *http.Request) error {
	c, t, err := h.openUpload(w, r, 0)
	if err != nil {
		return err
	}
	parts, err := readTargetsBody(w, r, t)
	if err != nil {
		return err
	}
	targets, expires, err := h.provider.(Targeter).Targets(r.Context(), &c.Caller, t, parts)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"targets": targets, "expiresAt": expires})
	return nil
}

func (h *handler) getUpload(w http.ResponseWriter, r *http.Request) error {
	c, t, err := h.openUpload(w, r, 0)
	if err != nil {
		return err
	}
	st, err := h.provider.(Stater).State(r.Context(), &c.Caller, t)
	if err == nil && st.File != nil || err != nil && asError(err).Code == CodeUploadNotFound {
		h.releaseUpload(r.Context(), c, t) // completed or gone: no longer open
	}
	if err != nil {
		return err
	}
	ans := map[string]any{"stored": st.Stored}
	if st.File != nil {
		ans["file"] = st.File
	}
	writeJSON(w, http.StatusOK, ans)
	return nil
}

// postComplete checks what the provider holds against the ticket (a body larger than
// declared is refused and its task canceled), completes, and checks the stored file again.
func (h *handler) postComplete(w http.ResponseWriter, r *http.Request) error {
	c, t, err := h.openUpload(w, r, 0)
	if err != nil {
		return err
	}
	var crc string
	var parts []struct {
		Part int    `json:"part"`
		ETag string `json:"etag"`
	}
	if err := readJSON(w, r, false, map[string]any{"crc64": &crc, "parts": &parts}); err != nil {
		return err
	}
	if _, perr := strconv.ParseUint(crc, 10, 64); perr != nil {
		return errInvalid("crc64 is required: the CRC-64 of the whole file as a decimal string")
	}
	ctx := r.Context()
	st, err := h.provider.(Stater).State(ctx, &c.Caller, t)
	if err != nil && asError(err).Code != CodeUploadNotFound {
		return err
	}
	if err == nil && st.File == nil {
		if v := h.checkHeld(ctx, c, t, st); v != nil {
			return v
		}
	}
	f, err := h.provider.(Completer).Complete(ctx, &c.Caller, t, &CompleteRequest{CRC64: crc})
	if err == nil || asError(err).Code == CodeUploadNotFound {
		h.releaseUpload(ctx, c, t) // stored (whatever the checks below say) or gone
	}
	if err != nil {
		return err
	}
	f, err = h.checkStored(ctx, c, f, t.Size)
	if err != nil {
		return err
	}
	if st != nil && st.File == nil {
		h.notifyStored(c, f) // a repeated completion (lost answer) was notified the first time
	}
	writeJSON(w, http.StatusOK, map[string]any{"file": f})
	return nil
}

// checkHeld refuses to complete an upload whose task lies elsewhere than the ticket says or
// holds more bytes than declared (then the task is canceled: the caller sent them).
func (h *handler) checkHeld(ctx context.Context, c *Caller, t *Ticket, st *RemoteState) error {
	l := logOf(ctx)
	if st.Path != "" && st.Path != t.Path {
		return errPolicy("the upload's path is not the one approved")
	}
	if !st.HeldKnown {
		return nil // one body: its size is checked on the stored file
	}
	switch {
	case st.Size > t.Size:
		if err := h.provider.(Aborter).Abort(ctx, &c.Caller, t); err != nil {
			l.add(slog.String("cancel", "failed: "+safeErr(err)))
		} else {
			l.add(slog.String("cancel", "done"))
			h.releaseUpload(ctx, c, t)
		}
		return errPolicy("%d bytes were sent; the upload was approved for %d (it was canceled)", st.Size, t.Size)
	case st.Size < t.Size:
		return errInvalid("the upload is incomplete: %d of %d bytes are held", st.Size, t.Size)
	}
	return nil
}

// checkStored checks a stored file against the caller's role and the declared size. A file
// that breaks them is removed for good (PolicyViolation); one placed outside the area, or
// described without a path, is refused and left alone (where it went cannot be trusted).
func (h *handler) checkStored(ctx context.Context, c *Caller, f *StoredFile, declared int64) (*StoredFile, error) {
	l := logOf(ctx)
	segs, why := splitPath(f.Path)
	l.add(slog.String("filePath", f.Path), slog.Int64("storedSize", f.Size))
	if f.Path == "" || why != "" || !underPrefix(segs, c.Prefix, true) {
		l.add(slog.String("unchecked", "the stored file's path is missing or outside the area"))
		return nil, errPolicy("the service stored the upload outside your area %s; it was not accepted", joinPath(c.Prefix)+"/")
	}
	var v string
	switch name := segs[len(segs)-1]; {
	case !f.SizeKnown:
		v = "the service's answer lacks the file's size, so it could not be checked"
	case f.Size != declared:
		v = fmt.Sprintf("the stored file is %d bytes; the upload was approved for %d", f.Size, declared)
	case f.Size > c.Role.MaxFileSize:
		v = fmt.Sprintf("the file is %d bytes; your limit is %d", f.Size, c.Role.MaxFileSize)
	case !typeAllowed(name, c.Role.AllowedTypes):
		v = "this file type is not allowed"
	}
	if v == "" {
		if f.Name == "" {
			f.Name = path.Base(f.Path)
		}
		return f, nil
	}
	rm, ok := h.provider.(Remover)
	if !ok {
		return nil, errPolicy("%s", v)
	}
	if err := rm.Remove(ctx, &c.Caller, f.Path); err != nil {
		l.add(slog.String("delete", "failed: "+safeErr(err)))
		return nil, err
	}
	l.add(slog.String("delete", "done"))
	return nil, errPolicy("%s (it was removed)", v)
}

func (h *handler) deleteUpload(w http.ResponseWriter, r *http.Request) error {
	c, t, err := h.openUpload(w, r, abortGrace)
	if err != nil {
		return err
	}
	if err := h.provider.(Aborter).Abort(r.Context(), &c.Caller, t); err != nil {
		return err
	}
	h.releaseUpload(r.Context(), c, t)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
