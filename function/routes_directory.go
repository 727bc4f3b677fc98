package function

import (
	"log/slog"
	"net/http"
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
	l.grants = grantsDirectory
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
	ctx := r.Context()
	key := tokenKey{user: id.Subject, space: sc.Space, purpose: purposeDirectory}
	var existed bool
	err = h.tokens.with(ctx, key, func(tok string) (err error) {
		if existed, err = h.smh.DirectoryExists(ctx, tok, sc.Space, p); err != nil || existed {
			return err
		}
		return h.smh.CreateDirectory(ctx, tok, sc.Space, p)
	})
	if err != nil {
		return upstreamError("creating the directory", err)
	}
	status := http.StatusCreated
	if existed {
		status = http.StatusOK
	}
	writeJSON(w, status, directoryAnswer{Path: p, SpaceID: sc.Space, Created: !existed})
	return nil
}
