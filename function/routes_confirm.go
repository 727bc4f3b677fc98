package function

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/ferry-upload/ferry/shared/smh"
)

// postConfirm completes an upload task after checking it against the caller's role:
// the path lies under the caller's prefix, the size is at most maxFileSize and the type is
// allowed. On a violation the task is canceled upstream and the answer is 403
// PolicyViolation. Then, with WEBHOOK_URL, the completion webhook is delivered.
//
// Sizes: a multipart task lists its parts, so its size is checked before confirming. A
// simple upload's state has no size; it is checked on the confirmed file, which is
// deleted again (PolicyViolation) when too large. The confirmed size is always checked too,
// so a part sent between the check and the confirm cannot slip through.
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
	ctx := r.Context()
	l := logOf(ctx)
	l.grants = grantsConfirm
	l.add(slog.String("confirmKey", confirmKey))
	key := tokenKey{user: id.Subject, space: sc.Space, purpose: purposeConfirm}

	var state *smh.UploadState
	err = h.tokens.with(ctx, key, func(tok string) (err error) {
		state, err = h.smh.State(ctx, tok, sc.Space, confirmKey)
		return err
	})
	if err != nil {
		return upstreamError("reading the upload task", err)
	}
	if state.Confirmed {
		return errInvalid("this upload is already confirmed")
	}
	l.add(slog.String("uploadPath", joinPath(state.Path)))
	if v := h.checkTask(sc, state); v != nil {
		return h.refuse(ctx, key, sc.Space, confirmKey, v)
	}

	var file *smh.File
	err = h.tokens.with(ctx, key, func(tok string) (err error) {
		file, err = h.smh.Confirm(ctx, tok, sc.Space, confirmKey, smh.ConfirmRequest{Crc64: crc64})
		return err
	})
	if err != nil {
		return upstreamError("confirming the upload", err)
	}
	size := int64(file.Size)
	l.add(slog.Int64("size", size), slog.String("filePath", joinPath(file.Path)))
	if size > sc.Role.MaxFileSize || len(file.Path) > 0 && !underPrefix(file.Path, sc.Prefix, true) {
		return h.removeConfirmed(ctx, id, sc, file)
	}
	h.notify(id, file)
	writeJSON(w, http.StatusOK, file)
	return nil
}

// checkTask returns the violation of an unconfirmed task, or nil.
func (h *handler) checkTask(sc *scope, st *smh.UploadState) *Error {
	if why := checkSegments(st.Path); why != "" || len(st.Path) == 0 {
		return errPolicy("the upload's path is not acceptable")
	}
	if !underPrefix(st.Path, sc.Prefix, true) {
		return errPolicy("the upload's path is outside your area %s", sc.PrefixString())
	}
	var size int64
	for _, p := range st.Parts {
		size += p.Size
	}
	if size > sc.Role.MaxFileSize {
		return errPolicy("the upload is %d bytes; your limit is %d", size, sc.Role.MaxFileSize)
	}
	if !typeAllowed(st.Path[len(st.Path)-1], sc.Role.AllowedTypes) {
		return errPolicy("this file type is not allowed; allowed: %v", sc.Role.AllowedTypes)
	}
	return nil
}

// refuse cancels the task upstream and answers the violation.
func (h *handler) refuse(ctx context.Context, key tokenKey, space, confirmKey string, v *Error) error {
	l := logOf(ctx)
	err := h.tokens.with(ctx, key, func(tok string) error {
		return h.smh.Cancel(ctx, tok, space, confirmKey)
	})
	if err != nil {
		l.add(slog.String("cancel", "failed: "+safeErr(err)))
	} else {
		l.add(slog.String("cancel", "done"))
	}
	return v
}

// removeConfirmed deletes a confirmed file that broke the limits after all (a simple
// upload over maxFileSize) and answers PolicyViolation.
func (h *handler) removeConfirmed(ctx context.Context, id *Identity, sc *scope, f *smh.File) error {
	l := logOf(ctx)
	key := tokenKey{user: id.Subject, space: sc.Space, purpose: purposeDelete}
	err := h.tokens.with(ctx, key, func(tok string) error {
		return h.smh.DeleteFile(ctx, tok, sc.Space, joinPath(f.Path))
	})
	if err != nil {
		l.add(slog.String("delete", "failed: "+safeErr(err)))
		return upstreamError("removing the file that broke the policy", err)
	}
	l.add(slog.String("delete", "done"))
	return errPolicy("the file is %d bytes; your limit is %d (it was removed)", int64(f.Size), sc.Role.MaxFileSize)
}

// notify delivers the completion webhook, in the background where the platform allows.
func (h *handler) notify(id *Identity, f *smh.File) {
	if h.hook == nil {
		return
	}
	ev := WebhookEvent{UserID: id.Subject, Path: joinPath(f.Path), Size: int64(f.Size), Crc64: f.Crc64,
		ConfirmedAt: h.cfg.Now().UTC().Format(time.RFC3339)}
	h.background(func(ctx context.Context) {
		n, err := h.hook.deliver(ctx, ev)
		attrs := []slog.Attr{slog.String("userId", ev.UserID), slog.String("path", ev.Path), slog.Int("attempts", n)}
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
