package function

import (
	"log/slog"
	"net/http"

	"github.com/ferry-upload/ferry/function/provider"

	smhprovider "github.com/ferry-upload/ferry/function/smh"
)

// directoryAnswer is the answer of POST /v1/directory.
type directoryAnswer struct {
	Path    string `json:"path"`
	SpaceID string `json:"spaceId"`
	Created bool   `json:"created"`
}

// postDirectory creates a directory, with its parents, under the caller's prefix with a
// server-side token holding only create_directory, so roles without that grant can upload
// into new folders. 201 when created, 200 when it already existed.
func (h *handler) postDirectory(w http.ResponseWriter, r *http.Request) error {
	id, err := h.authenticate(r)
	if err != nil {
		return err
	}
	var spaceID, path string
	if err := readBody(w, r, false, map[string]*string{"spaceId": &spaceID, "path": &path}); err != nil {
		return err
	}
	if err := checkOptionalIDs(spaceID, "", ""); err != nil {
		return err
	}
	sc, err := h.resolve(r, id, spaceID)
	if err != nil {
		return err
	}
	l := logOf(r.Context())
	if h.cfg.Provider == ProviderSMH {
		l.grants = smhprovider.GrantsDirectory // the server-side token's grants
	}
	if path == "" {
		return errInvalid("path is required: the directory's full library path")
	}
	segs, why := splitPath(path)
	if why != "" {
		return errPolicy("the path is not acceptable: %s", why)
	}
	if !underPrefix(segs, sc.Prefix, false) {
		return errPolicy("the directory is outside your area %s", sc.PrefixString())
	}
	if len(segs) == 0 {
		return errInvalid("path: give the directory's full library path")
	}
	p := joinPath(segs)
	l.add(slog.String("dir", p))
	c := &Caller{Role: sc.Role, Caller: provider.Caller{Subject: id.Subject, RoleName: sc.RoleName, Space: sc.Space,
		Prefix: sc.Prefix, JWTExpiry: id.Expires}}
	if err := h.withPDSSession(w, r, c); err != nil {
		return err
	}
	created, err := h.provider.(DirectoryMaker).MakeDirectory(r.Context(), &c.Caller, p)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, directoryAnswer{Path: p, SpaceID: sc.Space, Created: created})
	return nil
}
