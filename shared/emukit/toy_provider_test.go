package emukit_test

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// toy is a tiny provider on the kit, to prove the kit's contract for a provider that is
// not SMH: one library ("toy") of named files, filled by two-step uploads.
//
//	POST /toy/uploads?name=N&size=S   control  201 {"id"}: an open upload
//	PUT  /toy/data/{id}               data     200: its one body (a new PUT replaces it)
//	POST /toy/uploads/{id}/done       control  200 {"name","size","sha256"}: the file
//	GET  /toy/files/{name}            data     200: its bytes (HEAD too)
//
// Errors answer {"error":code}; OPTIONS is the kit's preflight.
type toy struct {
	kit *emukit.Kit
	st  *toyState // guarded by kit.Lock
}

type toyState struct {
	Files   map[string]*toyFile   `json:"files"`
	Uploads map[string]*toyUpload `json:"uploads"`
}

type toyFile struct {
	Blob   emukit.BlobRef `json:"blob"`
	SHA256 string         `json:"sha256"`
}

type toyUpload struct {
	ID      string               `json:"id"`
	Name    string               `json:"name"`
	Size    int64                `json:"size"`
	Expired bool                 `json:"expired,omitempty"`
	Parts   map[int]*emukit.Part `json:"-"` // saved by the kit, one file each
}

var (
	errNoSuchUpload  = emukit.NewError(http.StatusNotFound, "NoSuchUpload", "no such upload")
	errNoSuchFile    = emukit.NewError(http.StatusNotFound, "NoSuchFile", "no such file")
	errNoSuchLibrary = emukit.NewError(http.StatusNotFound, "NoSuchLibrary", "no such library")
	errIncomplete    = emukit.NewError(http.StatusConflict, "Incomplete", "the upload has not received its bytes")
	errExpired       = emukit.NewError(http.StatusForbidden, "Expired", "the upload target expired")
	errBadBody       = emukit.NewError(http.StatusBadRequest, "BadBody", "the body is not what was announced")
)

func newToyState() *toyState {
	return &toyState{Files: map[string]*toyFile{}, Uploads: map[string]*toyUpload{}}
}

func newToy(dataDir string) (*toy, error) {
	t := &toy{st: newToyState()}
	k, err := emukit.New(emukit.Config{Provider: t, DataDir: dataDir, StateVersion: 1,
		CORS: emukit.CORS{Expose: []string{"X-Request-Id"}, Headers: []string{"content-type"}, HeaderPrefixes: []string{"x-toy-"}}})
	if err != nil {
		return nil, err
	}
	t.kit = k
	if err := k.Load(t.st, t.loaded); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *toy) loaded() error {
	for id, u := range t.st.Uploads {
		parts, err := t.kit.LoadParts(id)
		if err != nil {
			return err
		}
		u.Parts = parts
	}
	return nil
}

func (t *toy) Route(c *emukit.Call) (emukit.Route, error) {
	r := c.Request()
	rest, ok := strings.CutPrefix(r.URL.Path, "/toy/")
	segs := strings.Split(rest, "/")
	switch {
	case r.Method == http.MethodOptions:
		return emukit.Route{Name: "OPTIONS *", NoFault: true, Serve: t.kit.Preflight}, nil
	case !ok:
	case r.Method == http.MethodPost && rest == "uploads":
		return emukit.Route{Name: "POST /toy/uploads", Serve: t.begin}, nil
	case r.Method == http.MethodPut && len(segs) == 2 && segs[0] == "data":
		id := segs[1]
		return emukit.Route{Name: "PUT /toy/data/{id}", Plane: emukit.PlaneData, Upload: id,
			Serve: func(c *emukit.Call) error { return t.put(c, id) }}, nil
	case r.Method == http.MethodPost && len(segs) == 3 && segs[0] == "uploads" && segs[2] == "done":
		id := segs[1]
		return emukit.Route{Name: "POST /toy/uploads/{id}/done", Serve: func(c *emukit.Call) error { return t.done(c, id) }}, nil
	case (r.Method == http.MethodGet || r.Method == http.MethodHead) && len(segs) == 2 && segs[0] == "files":
		name := segs[1]
		return emukit.Route{Name: r.Method + " /toy/files/{name}", Plane: emukit.PlaneData,
			Serve: func(c *emukit.Call) error { return t.get(c, name) }}, nil
	}
	return emukit.Route{Name: r.Method + " (unmatched)", NoFault: true}, emukit.ErrRouteNotFound
}

func (t *toy) begin(c *emukit.Call) error {
	q := c.Request().URL.Query()
	name := q.Get("name")
	size, err := strconv.ParseInt(q.Get("size"), 10, 64)
	if name == "" || strings.Contains(name, "/") || err != nil || size < 0 {
		return emukit.ErrInvalidParameter.With("name and size are required")
	}
	u := &toyUpload{ID: emukit.RandomHex(8), Name: name, Size: size, Parts: map[int]*emukit.Part{}}
	err = t.kit.Update(func() error {
		t.st.Uploads[u.ID] = u
		t.kit.TrackUpload(u.ID, "/"+name, 0)
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]string{"id": u.ID})
}

func (t *toy) put(c *emukit.Call, id string) error {
	t.kit.Lock()
	u := t.st.Uploads[id]
	t.kit.Unlock()
	switch {
	case u == nil:
		return errNoSuchUpload
	case u.Expired:
		return errExpired
	case c.Request().ContentLength != u.Size:
		return errBadBody.With("the body must have the size announced")
	}
	ref, err := t.kit.WriteBlob(c.Body(), c.Request().ContentLength)
	if err != nil {
		return errBadBody
	}
	err = t.kit.Update(func() error {
		if t.st.Uploads[id] != u { // finished meanwhile
			t.kit.RemoveBlob(ref.ID)
			return errNoSuchUpload
		}
		p := &emukit.Part{Number: 1, Blob: ref, Modified: time.Now()}
		if err := t.kit.SavePart(id, p); err != nil {
			t.kit.RemoveBlob(ref.ID)
			return err
		}
		if old := u.Parts[1]; old != nil {
			t.kit.Release(old.Blob)
		}
		u.Parts[1] = p
		t.kit.TrackUpload(id, "/"+u.Name, ref.Size)
		t.kit.CountStored(id, ref.Size)
		return nil
	})
	if err != nil {
		return err
	}
	return c.Empty(http.StatusOK)
}

func (t *toy) done(c *emukit.Call, id string) error {
	var f *toyFile
	var name string
	err := t.kit.Update(func() error {
		u := t.st.Uploads[id]
		if u == nil {
			return errNoSuchUpload
		}
		p := u.Parts[1]
		if p == nil || p.Blob.Size != u.Size {
			return errIncomplete
		}
		sum, err := t.sha256(p.Blob)
		if err != nil {
			return err
		}
		if old := t.st.Files[u.Name]; old != nil {
			t.kit.Release(old.Blob)
		}
		f, name = &toyFile{Blob: p.Blob, SHA256: sum}, u.Name
		t.st.Files[u.Name] = f
		delete(t.st.Uploads, id)
		t.kit.ReleaseParts(id)
		t.kit.TrackUpload(id, "/"+u.Name, u.Size)
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"name": name, "size": f.Blob.Size, "sha256": f.SHA256})
}

func (t *toy) sha256(b emukit.BlobRef) (string, error) {
	r, err := t.kit.OpenContent([]emukit.BlobRef{b})
	if err != nil {
		return "", err
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(r, 0, r.Size())); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (t *toy) get(c *emukit.Call, name string) error {
	t.kit.Lock()
	f := t.st.Files[name]
	t.kit.Unlock()
	if f == nil {
		return errNoSuchFile
	}
	r, err := t.kit.OpenContent([]emukit.BlobRef{f.Blob})
	if err != nil {
		return errNoSuchFile
	}
	defer r.Close()
	http.ServeContent(c.Writer(), c.Request(), "", time.Time{}, io.NewSectionReader(r, 0, r.Size()))
	return nil
}

func (t *toy) WriteError(c *emukit.Call, err error) {
	var e *emukit.Error
	if !errors.As(err, &e) {
		e = emukit.ErrInternal
	}
	if c.Plane() == emukit.PlaneData {
		_, _ = io.Copy(io.Discard, c.Body())
	}
	_ = c.JSON(e.Status, map[string]string{"error": e.Code})
}

func (t *toy) State() any { return t.st }

func (t *toy) Blobs(keep func(id string)) {
	for _, f := range t.st.Files {
		keep(f.Blob.ID)
	}
	for _, u := range t.st.Uploads {
		for _, p := range u.Parts {
			keep(p.Blob.ID)
		}
	}
}

func (t *toy) Reset() error {
	for _, f := range t.st.Files {
		t.kit.Release(f.Blob)
	}
	for id, u := range t.st.Uploads {
		for _, p := range u.Parts {
			t.kit.Release(p.Blob)
		}
		t.kit.ReleaseParts(id)
	}
	t.st = newToyState()
	return nil
}

func (t *toy) Expire(tokens, uploads bool) (int, int, error) {
	n := 0
	err := t.kit.Update(func() error {
		for _, u := range t.st.Uploads {
			if uploads && !u.Expired {
				u.Expired = true
				n++
			}
		}
		return nil
	})
	return 0, n, err // the toy has no tokens
}

func (t *toy) Files(library, space string) (any, error) {
	if library != "toy" {
		return nil, errNoSuchLibrary
	}
	t.kit.Lock()
	defer t.kit.Unlock()
	out := []emukit.FileEntry{}
	for name, f := range t.st.Files {
		out = append(out, emukit.FileEntry{Path: "/" + name, Size: f.Blob.Size, SHA256: f.SHA256})
	}
	slices.SortFunc(out, func(a, b emukit.FileEntry) int { return cmp.Compare(a.Path, b.Path) })
	return out, nil
}

func (t *toy) Uploads(library, space string) (any, error) {
	if library != "toy" {
		return nil, errNoSuchLibrary
	}
	t.kit.Lock()
	defer t.kit.Unlock()
	out := []emukit.UploadEntry{}
	for _, u := range t.st.Uploads {
		e := emukit.UploadEntry{Path: "/" + u.Name}
		if p := u.Parts[1]; p != nil {
			e.Size = p.Blob.Size
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b emukit.UploadEntry) int { return cmp.Compare(a.Path, b.Path) })
	return out, nil
}
