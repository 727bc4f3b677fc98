package pdsemu

import (
	"strings"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// provider is the PDS half the emulator kit drives (emukit.Provider), apart from
// Emulator so that the Emulator's exported methods stay the emulator's own.
type provider struct{ e *Emulator }

func (p provider) Route(c *emukit.Call) (emukit.Route, error) { return p.e.route(c) }

func (p provider) WriteError(c *emukit.Call, err error) { p.e.writeError(c, err) }

func (p provider) State() any { return p.e.st }

// Blobs reports the blobs some file or open upload needs.
func (p provider) Blobs(keep func(id string)) {
	for _, d := range p.e.st.Drives {
		for _, f := range d.Files {
			for _, b := range f.Blobs {
				keep(b.ID)
			}
		}
	}
	for _, u := range p.e.st.Uploads {
		for _, pt := range u.Parts {
			keep(pt.Blob.ID)
		}
	}
}

func (p provider) Reset() error { return p.e.resetLocked() }

func (p provider) Expire(tokens, uploads bool) (int, int, error) {
	return p.e.ExpireNow(tokens, uploads)
}

// Files and Uploads serve /_emulator/files and /uploads: ?library= is a drive id, or
// "user:<user id>" for that user's default drive (drive ids are the emulator's own, so a
// person at a terminal knows only the user).
// A user who has not signed in yet has no drive, and holds nothing.
func (p provider) Files(library, _ string) (any, error) {
	d, ok := p.drive(library)
	if !ok {
		return []FileInfo{}, nil
	}
	return p.e.Files(d)
}

func (p provider) Uploads(library, _ string) (any, error) {
	d, ok := p.drive(library)
	if !ok {
		return []UploadInfo{}, nil
	}
	return p.e.OpenUploads(d)
}

// drive resolves ?library=: ok is false for a user without a drive.
func (p provider) drive(library string) (string, bool) {
	if user, ok := strings.CutPrefix(library, "user:"); ok {
		d := p.e.DefaultDrive(user)
		return d, d != ""
	}
	return library, true
}
