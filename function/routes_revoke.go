package function

import (
	"log/slog"
	"net/http"

	smhprovider "github.com/ferry-upload/ferry/function/smh"
)

// deleteToken revokes every token of the caller upstream (optionally only those of one
// client id), for a changed password or a lost device (seed 003). The function's own
// cached tokens for the caller go too: they carry the same user id.
func (h *handler) deleteToken(w http.ResponseWriter, r *http.Request) error {
	id, err := h.authenticate(r)
	if err != nil {
		return err
	}
	var clientID string
	if err := readBody(w, r, true, map[string]*string{"clientId": &clientID}); err != nil {
		return err
	}
	if err := checkOptionalIDs("", clientID, ""); err != nil {
		return err
	}
	if _, why := splitPath("/" + id.Subject); why != "" || !validUserID(id.Subject) {
		return errForbidden("the token's sub cannot be used as a user id")
	}
	var clients []string
	if clientID != "" {
		clients = []string{clientID}
		logOf(r.Context()).add(slog.String("clientId", clientID))
	}
	err = h.smh.DeleteTokens(r.Context(), string(h.cfg.LibrarySecret), []string{id.Subject}, clients, nil)
	h.tokens.DropUser(id.Subject)
	if err != nil {
		return smhprovider.Upstream("revoking the tokens", err)
	}
	logOf(r.Context()).add(slog.String("revoked", "all"))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
	return nil
}
