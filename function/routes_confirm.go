package function

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	smhprovider "github.com/ferry-upload/ferry/function/smh"
	"github.com/ferry-upload/ferry/shared/smh"
)

// postConfirm completes an upload task after checking it against the caller's role:
// the path lies under the caller's prefix, the size is at most maxFileSize and the type is
// allowed. A violation by a task in the caller's area cancels it upstream; a task outside
// the area is refused and left alone (it may be someone else's). Either way the answer is
// 403 PolicyViolation. Then, with WEBHOOK_URL, the completion webhook is delivered.
//
// Sizes: a multipart task lists its parts, so its size is checked before confirming. A
// simple upload's state has no size; it is checked on the confirmed file, which is
// deleted permanently (PolicyViolation) when too large. The confirmed size is always
// checked too, so a part sent between the check and the confirm cannot slip through. An
// upstream answer without a size or a path is a violation: never read as zero, never
// skipped.
func (h *handler) postConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := h.authenticate(r)
	if err != nil {
		return err
	}
	var spaceID, confirmKey, crc64 string
	if err := readBody(w, r, false, map[string]*string{"spaceId": &spaceID, "confirmKey": &confirmKey, "crc64": &crc64}); err != nil {
		return err
	}
	if err := checkOptionalIDs(spaceID, "", ""); err != nil {
		return err
	}
	if !validConfirmKey(confirmKey) {
		return errInvalid("confirmKey: 1-256 letters, digits, '-' or '_' (the key begin answered)")
	}
	if crc64 != "" {
		if _, err := strconv.ParseUint(crc64, 10, 64); err != nil {
			return errInvalid("crc64: the CRC-64 of the whole file as a decimal string")
		}
	}
	sc, err := h.resolve(r, id, spaceID)
	if err != nil {
		return err
	}
	if sc.Role.Mode == ModeBrokered {
		// A brokered caller completes through its ticket; it never holds a confirm key.
		return errForbidden("your role %q completes uploads with POST /v1/uploads/{id}/complete, not /v1/confirm", sc.RoleName)
	}
	if crc64 == "" && sc.Role.Confirm == ConfirmFunction {
		// The service checks the stored bytes against it: without it a corrupted or
		// substituted body would be confirmed as the file.
		return errInvalid("crc64 is required: the CRC-64 of the whole file as a decimal string")
	}
	ctx := r.Context()
	l := logOf(ctx)
	l.grants = smhprovider.GrantsConfirm
	l.add(slog.String("confirmKey", keyTag(confirmKey)))
	key := smhprovider.Key{User: id.Subject, Space: sc.Space, Purpose: smhprovider.PurposeConfirm}

	var state *smh.UploadState
	err = h.tokens.With(ctx, key, func(tok string) (err error) {
		state, err = h.smh.State(ctx, tok, sc.Space, confirmKey)
		return err
	})
	if err != nil {
		return smhprovider.Upstream("reading the upload task", err)
	}
	if state.Confirmed {
		return errInvalid("this upload is already confirmed")
	}
	l.add(slog.String("uploadPath", joinPath(state.Path)))
	if v, cancel := h.checkTask(sc, state); v != nil {
		if !cancel {
			l.add(slog.String("cancel", "no: the task may not be the caller's"))
			return v
		}
		return h.refuse(ctx, key, sc.Space, confirmKey, v)
	}

	var file *smh.File
	err = h.tokens.With(ctx, key, func(tok string) (err error) {
		file, err = h.smh.Confirm(ctx, tok, sc.Space, confirmKey, smh.ConfirmRequest{Crc64: crc64})
		return err
	})
	if err != nil {
		return smhprovider.Upstream("confirming the upload", err)
	}
	size := int64(file.Size)
	l.add(slog.Int64("size", size), slog.String("filePath", joinPath(file.Path)))
	switch {
	case len(file.Path) == 0 || !underPrefix(file.Path, sc.Prefix, true):
		// Where the file went cannot be trusted, so nothing is deleted there.
		l.add(slog.String("unchecked", "the confirmed file's path is missing or outside the area"))
		return errPolicy("the service confirmed the upload but did not place it in your area %s; it was not accepted", sc.PrefixString())
	case !file.SizeGiven:
		return h.removeConfirmed(ctx, id, sc, file, "the service's answer lacks the file's size, so it could not be checked")
	case size > sc.Role.MaxFileSize:
		return h.removeConfirmed(ctx, id, sc, file, fmt.Sprintf("the file is %d bytes; your limit is %d", size, sc.Role.MaxFileSize))
	}
	h.notify(id, sc.Space, file)
	writeJSON(w, http.StatusOK, file)
	return nil
}

// checkTask returns the violation of an unconfirmed task, or nil, and whether the task is
// the caller's to cancel: one whose path lies in the caller's area and that broke the
// role's limits. A task outside the area, or one the service described incompletely, is
// refused but not canceled.
func (h *handler) checkTask(sc *scope, st *smh.UploadState) (v *Error, cancel bool) {
	if len(st.Path) == 0 || !underPrefix(st.Path, sc.Prefix, true) {
		return errPolicy("the upload's path is outside your area %s", sc.PrefixString()), false
	}
	if why := checkSegments(st.Path); why != "" {
		return errPolicy("the upload's path is not acceptable: %s", why), true
	}
	if st.UploadID != "" && st.Parts == nil { // missing or null; [] is a list
		return errPolicy("the service's answer lists no parts for this multipart upload, so its size could not be checked"), false
	}
	var size int64
	for _, p := range st.Parts {
		if !p.SizeGiven {
			return errPolicy("the service's answer lacks the size of part %d, so the upload's size could not be checked", p.PartNumber), false
		}
		size += p.Size
	}
	if size > sc.Role.MaxFileSize {
		return errPolicy("the upload is %d bytes; your limit is %d", size, sc.Role.MaxFileSize), true
	}
	if !typeAllowed(st.Path[len(st.Path)-1], sc.Role.AllowedTypes) {
		return errPolicy("this file type is not allowed; allowed: %v", sc.Role.AllowedTypes), true
	}
	return nil, false
}

// refuse cancels the task upstream and answers the violation.
func (h *handler) refuse(ctx context.Context, key smhprovider.Key, space, confirmKey string, v *Error) error {
	l := logOf(ctx)
	err := h.tokens.With(ctx, key, func(tok string) error {
		return h.smh.Cancel(ctx, tok, space, confirmKey)
	})
	if err != nil {
		l.add(slog.String("cancel", "failed: "+safeErr(err)))
	} else {
		l.add(slog.String("cancel", "done"))
	}
	return v
}

// removeConfirmed deletes, permanently (past any recycle bin, where it would still count
// and could be restored), a confirmed file in the caller's area that broke the limits
// after all, and answers PolicyViolation.
func (h *handler) removeConfirmed(ctx context.Context, id *Identity, sc *scope, f *smh.File, why string) error {
	l := logOf(ctx)
	key := smhprovider.Key{User: id.Subject, Space: sc.Space, Purpose: smhprovider.PurposeDelete}
	err := h.tokens.With(ctx, key, func(tok string) error {
		return h.smh.DeleteFile(ctx, tok, sc.Space, joinPath(f.Path), true)
	})
	if err != nil {
		l.add(slog.String("delete", "failed: "+safeErr(err)))
		return smhprovider.Upstream("removing the file that broke the policy", err)
	}
	l.add(slog.String("delete", "done"))
	return errPolicy("%s (it was removed)", why)
}

// keyTag is how a confirm key appears in logs: enough to tell tasks apart, never the key
// itself (it lets any token with a begin grant read the task and its signed headers).
func keyTag(k string) string {
	if len(k) <= 12 {
		return "…"
	}
	return k[:6] + "…"
}

// notify delivers the completion webhook of a confirm through /v1/confirm.
func (h *handler) notify(id *Identity, space string, f *smh.File) {
	h.deliverWebhook(id.Subject, space, &StoredFile{Path: joinPath(f.Path), Size: int64(f.Size), CRC64: f.Crc64})
}

// notifyStored delivers the completion webhook of a brokered upload.
func (h *handler) notifyStored(c *Caller, f *StoredFile) {
	h.deliverWebhook(c.Subject, c.Space, f)
}

// deliverWebhook delivers the completion webhook, in the background where the platform
// allows. The event's ID is drawn here, once per completion, so every retry carries the
// same one.
func (h *handler) deliverWebhook(user, space string, f *StoredFile) {
	if h.hook == nil {
		return
	}
	ev := WebhookEvent{ID: newWebhookID(), LibraryID: h.cfg.LibraryID, SpaceID: space, UserID: user,
		Path: f.Path, Size: f.Size, Crc64: f.CRC64, SHA1: f.SHA1, ConfirmedAt: h.cfg.Now().UTC().Format(time.RFC3339)}
	h.background(func(ctx context.Context) {
		n, err := h.hook.deliver(ctx, ev)
		attrs := []slog.Attr{slog.String("webhookId", ev.ID), slog.String("userId", ev.UserID), slog.String("path", ev.Path), slog.Int("attempts", n)}
		if err != nil {
			h.log.LogAttrs(ctx, slog.LevelError, "webhook", append(attrs, slog.String("outcome", "failed"), slog.String("cause", err.Error()))...)
			return
		}
		h.log.LogAttrs(ctx, slog.LevelInfo, "webhook", append(attrs, slog.String("outcome", "ok"))...)
	})
}

func validConfirmKey(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
