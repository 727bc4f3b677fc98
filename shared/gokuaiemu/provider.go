package gokuaiemu

import (
	"strconv"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// provider is the Gokuai half the kit drives (emukit.Provider), apart from Emulator so
// that the Emulator's exported methods stay its own.
type provider struct{ e *Emulator }

func (p provider) Route(c *emukit.Call) (emukit.Route, error) { return p.e.route(c) }

func (p provider) WriteError(c *emukit.Call, err error) { p.e.writeError(c, err) }

func (p provider) State() any { return p.e.st }

// Blobs: the library half keeps no bytes (files come with the upload server).
func (p provider) Blobs(func(id string)) {}

func (p provider) Reset() error {
	p.e.st = newState()
	return nil
}

// Expire: Gokuai has no tokens and no upload signatures yet; a sign lives as long as its
// dateline's window, which the emulator's clock (Options.Now) moves.
func (p provider) Expire(bool, bool) (int, int, error) { return 0, 0, nil }

// Files lists the files of a library named by its mount id: none until the upload server
// exists, but an unknown mount is refused.
func (p provider) Files(library, _ string) (any, error) {
	if err := p.e.knownMount(library); err != nil {
		return nil, err
	}
	return []emukit.FileEntry{}, nil
}

// Uploads lists a library's open uploads: none until the upload server exists.
func (p provider) Uploads(library, _ string) (any, error) {
	if err := p.e.knownMount(library); err != nil {
		return nil, err
	}
	return []emukit.UploadEntry{}, nil
}

func (e *Emulator) knownMount(s string) error {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return errInvalidParameter.With("library is a mount id")
	}
	e.kit.Lock()
	defer e.kit.Unlock()
	if e.st.byMount(id) == nil {
		return errLibraryNotFound
	}
	return nil
}
