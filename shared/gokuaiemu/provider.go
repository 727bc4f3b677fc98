package gokuaiemu

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// provider is the Gokuai half the kit drives (emukit.Provider), apart from Emulator so
// that the Emulator's exported methods stay its own.
type provider struct{ e *Emulator }

func (p provider) Route(c *emukit.Call) (emukit.Route, error) { return p.e.route(c) }

func (p provider) WriteError(c *emukit.Call, err error) { p.e.writeError(c, err) }

func (p provider) State() any { return p.e.st }

// Blobs: the bytes of stored files and of open uploads' parts.
func (p provider) Blobs(keep func(id string)) {
	for _, l := range p.e.st.Libraries {
		for _, f := range l.Files {
			for _, b := range f.Blobs {
				keep(b.ID)
			}
		}
	}
	for _, u := range p.e.st.Uploads {
		for _, b := range u.blobs() {
			keep(b.ID)
		}
	}
}

func (p provider) Reset() error {
	e := p.e
	for _, l := range e.st.Libraries {
		for _, f := range l.Files {
			e.kit.Release(f.Blobs...)
		}
	}
	for _, u := range e.st.Uploads {
		e.st.dropUpload(u, e.kit)
	}
	e.st = newState()
	return nil
}

// Expire: Gokuai has no tokens (a sign lives as long as its dateline's window, which the
// emulator's clock moves); what stands for them are the library credentials bind hands
// out, so tokens=true revokes every one (calls signed with them are refused, as after
// unbind). uploads=true ends every announced upload and session now.
func (p provider) Expire(tokens, uploads bool) (int, int, error) {
	nt, nu := 0, 0
	err := p.e.kit.Update(func() error {
		if tokens {
			nt = len(p.e.st.Bindings)
			clear(p.e.st.Bindings)
		}
		if !uploads {
			return nil
		}
		for _, u := range p.e.st.Uploads {
			if !u.Done && !p.e.expired(u) {
				u.Expires = p.e.now()
				nu++
			}
		}
		return nil
	})
	return nt, nu, err
}

// fileEntry is a /_emulator/files entry: the kit's three fields and the SHA-1 the
// service keys instant uploads by.
type fileEntry struct {
	emukit.FileEntry
	SHA1 string `json:"sha1"`
}

// Files lists the files (not folders) of a library named by its mount id, by path.
func (p provider) Files(library, _ string) (any, error) {
	e := p.e
	l, err := e.mount(library)
	if err != nil {
		return nil, err
	}
	e.kit.Lock()
	defer e.kit.Unlock()
	out := []fileEntry{}
	for _, f := range l.Files {
		if !f.Dir {
			out = append(out, fileEntry{emukit.FileEntry{Path: "/" + f.FullPath, Size: f.Size, SHA256: f.SHA256}, f.SHA1})
		}
	}
	slices.SortFunc(out, func(a, b fileEntry) int { return cmp.Compare(a.Path, b.Path) })
	return out, nil
}

// uploadEntry is a /_emulator/uploads entry.
type uploadEntry struct {
	emukit.UploadEntry
	Session  string `json:"session"`
	Declared int64  `json:"declared"` // filesize announced
	Opened   bool   `json:"opened"`
}

// Uploads lists a library's announced uploads that are neither finished nor expired.
func (p provider) Uploads(library, _ string) (any, error) {
	e := p.e
	l, err := e.mount(library)
	if err != nil {
		return nil, err
	}
	e.kit.Lock()
	defer e.kit.Unlock()
	out := []uploadEntry{}
	for _, u := range e.st.Uploads {
		if u.OrgID == l.OrgID && !u.Done && !e.expired(u) {
			out = append(out, uploadEntry{emukit.UploadEntry{Path: "/" + u.FullPath, Size: u.offset()}, u.Session, u.Size, u.Opened})
		}
	}
	slices.SortFunc(out, func(a, b uploadEntry) int { return cmp.Compare(a.Path, b.Path) })
	return out, nil
}

// mount finds a library by its mount id (the control API's ?library=).
func (e *Emulator) mount(s string) (*library, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, errInvalidParameter.With("library is a mount id")
	}
	e.kit.Lock()
	defer e.kit.Unlock()
	l := e.st.byMount(id)
	if l == nil {
		return nil, errLibraryNotFound
	}
	return l, nil
}

// loadParts completes a loaded state: maps a state saved before the upload server
// existed lacks, and each open upload's parts, kept only as a contiguous run from part 1
// (a part whose predecessor was lost to a crash is garbage).
func (e *Emulator) loadParts() error {
	st := e.st
	if st.Libraries == nil {
		return nil
	}
	if st.Uploads == nil {
		st.Uploads = map[string]*upload{}
	}
	for _, l := range st.Libraries {
		if l.Files == nil {
			l.Files = map[string]*file{}
		}
	}
	for id, u := range st.Uploads {
		if u.Done {
			continue
		}
		parts, err := e.kit.LoadParts(id)
		if err != nil {
			return err
		}
		for n := 1; parts[n] != nil; n++ {
			u.parts = append(u.parts, parts[n])
		}
	}
	return nil
}
