package smhemu

import (
	"bytes"
	"cmp"
	"io"
	"strings"
)

// Go-side helpers that arrange state for tests, without HTTP.

// TokenRequest describes a token for IssueToken, as the token API's parameters do.
type TokenRequest struct {
	Spaces    []string
	UserID    string
	ClientID  string
	SessionID string
	Grants    []string
	Period    int64 // seconds; 0 means the default, others are clamped like the API does
}

// IssueToken creates an access token without HTTP and returns its value.
func (e *Emulator) IssueToken(library string, req TokenRequest) (string, error) {
	lib, ok := e.libs[library]
	if !ok {
		return "", ErrLibraryNotFound.With("no library %q", library)
	}
	grants, err := parseGrants(strings.Join(req.Grants, ","))
	if err != nil {
		return "", err
	}
	req.Grants = grants
	if req.Period <= 0 {
		req.Period = DefaultPeriod
	}
	req.Period = min(max(req.Period, MinPeriod), MaxPeriod)
	var v string
	err = e.kit.Update(func() error {
		t, err := e.issueLocked(lib, req)
		if t != nil {
			v = t.Value
		}
		return err
	})
	return v, err
}

// CreateSpace adds a tenant space to a multi-tenant library and returns its id.
func (e *Emulator) CreateSpace(library string) (string, error) {
	lib, ok := e.libs[library]
	switch {
	case !ok:
		return "", ErrLibraryNotFound.With("no library %q", library)
	case !lib.MultiTenant:
		return "", ErrNotMultiSpaceLibrary
	}
	id := newSpaceID()
	err := e.kit.Update(func() error {
		e.st.Libraries[library].Spaces[id] = &space{ID: id, Created: e.now(), MultiAlbum: lib.MultiAlbum, Nodes: map[string]*node{}}
		return nil
	})
	return id, err
}

// splitUserPath parses "/a/b" or "a/b" into path levels.
func splitUserPath(p string, dir bool) ([]string, error) {
	p = strings.Trim(p, "/")
	if p == "" {
		if dir {
			return nil, nil
		}
		return nil, ErrEmptyPath
	}
	levels := strings.Split(p, "/")
	return levels, validatePath(levels, dir)
}

// MakeDir creates a directory and its missing parents (an existing one is fine).
func (e *Emulator) MakeDir(library, spaceID, dirPath string) error {
	p, err := splitUserPath(dirPath, true)
	if err != nil {
		return err
	}
	return e.kit.Update(func() error {
		sps, err := e.spacesLocked(library, cmp.Or(spaceID, "-"))
		if err != nil {
			return err
		}
		return e.mkdirAllLocked(sps[0], p)
	})
}

func (e *Emulator) mkdirAllLocked(sp *space, p []string) error {
	now := e.now()
	for i := 1; i <= len(p); i++ {
		n := sp.get(p[:i])
		switch {
		case n == nil:
			sp.Nodes[pathKey(p[:i])] = newNode(now, nil)
		case !n.isDir():
			return ErrSameNameExists.With("/%s is a file", pathKey(p[:i]))
		}
	}
	return nil
}

// PutFile stores a file as if uploaded and confirmed, creating missing parent
// directories and replacing a file at that path. Media-library rules are not applied.
func (e *Emulator) PutFile(library, spaceID, filePath string, data []byte) error {
	p, err := splitUserPath(filePath, false)
	if err != nil {
		return err
	}
	ref, err := e.kit.WriteBlob(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	u := &upload{Path: p, Declared: -1, Parts: map[int]*part{1: {Number: 1, Blob: ref}}}
	fd, err := assemble(u)
	if err != nil {
		return err
	}
	err = e.kit.Update(func() error {
		sps, err := e.spacesLocked(library, cmp.Or(spaceID, "-"))
		if err != nil {
			return err
		}
		if err := e.mkdirAllLocked(sps[0], p[:len(p)-1]); err != nil {
			return err
		}
		_, err = e.placeLocked(e.libs[library], sps[0], p, "overwrite", true, fd)
		return err
	})
	if err != nil {
		e.kit.RemoveBlob(ref.ID)
	}
	return err
}

// ReadFile returns the content of a stored file.
func (e *Emulator) ReadFile(library, spaceID, filePath string) ([]byte, error) {
	p, err := splitUserPath(filePath, false)
	if err != nil {
		return nil, err
	}
	e.kit.Lock()
	sps, err := e.spacesLocked(library, cmp.Or(spaceID, "-"))
	var fd *fileData
	if err == nil {
		if n := sps[0].get(p); n != nil && n.File != nil {
			fd = n.File
		} else {
			err = ErrFileNotFound
		}
	}
	e.kit.Unlock()
	if err != nil {
		return nil, err
	}
	r, err := e.kit.OpenContent(fd.Blobs)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.NewSectionReader(r, 0, r.Size()))
}
