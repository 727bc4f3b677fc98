package pdsemu

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// readBody decodes the JSON body every file call needs.
func readBody(c *emukit.Call, v any) error {
	ok, err := c.ReadJSON(v, false)
	if err != nil {
		return err
	}
	if !ok {
		return ErrInvalidParameterMissing.With("a JSON body is required")
	}
	return nil
}

// driveLocked authenticates the request and finds a drive its user owns.
func (e *Emulator) driveLocked(r *http.Request, driveID, shareID string) (*drive, error) {
	t, err := e.authLocked(r)
	if err != nil {
		return nil, err
	}
	if shareID != "" {
		return nil, ErrInvalidParameter.With("share_id is not emulated: use drive_id")
	}
	if driveID == "" {
		return nil, ErrInvalidParameterMissing.With("drive_id is required")
	}
	d := e.st.Drives[driveID]
	if d == nil {
		return nil, ErrDriveNotFound.With("no drive %q", driveID)
	}
	if d.Owner != t.User {
		return nil, ErrForbidden.With("drive %q is not %s's", driveID, t.User)
	}
	return d, nil
}

// folderLocked finds a folder ("root" or a folder's id) of d.
func folderLocked(d *drive, id string) error {
	if id == "" {
		return ErrInvalidParameterMissing.With("parent_file_id is required")
	}
	if id == rootID {
		return nil
	}
	if f := d.Files[id]; f == nil || f.Type != typeFolder {
		return ErrParentNotFound.With("no folder %q in drive %q", id, d.ID)
	}
	return nil
}

// children lists the entries of a folder, by name, then age, then id.
func (d *drive) children(parent string) []*file {
	var out []*file
	for _, f := range d.Files {
		if f.Parent == parent {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b *file) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), a.Created.Compare(b.Created), strings.Compare(a.ID, b.ID))
	})
	return out
}

// named finds the (oldest) entry called name in a folder.
func (d *drive) named(parent, name string) *file {
	for _, f := range d.children(parent) {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// path is "/a/b/name" of a file.
func (d *drive) path(f *file) string {
	var levels []string
	for n := 0; f != nil && n <= len(d.Files); n++ {
		levels = append(levels, f.Name)
		if f.Parent == rootID {
			break
		}
		f = d.Files[f.Parent]
	}
	slices.Reverse(levels)
	return "/" + strings.Join(levels, "/")
}

// folderPath is the path of a folder id ("" for root).
func (d *drive) folderPath(id string) string {
	f := d.Files[id]
	if id == rootID || f == nil { // a deleted folder: complete will refuse the upload
		return ""
	}
	return d.path(f)
}

// renamed is auto_rename's name: "name_YYYYMMDD_HHMMSS.ext", then "_2", "_3"… while that
// is taken too.
func (e *Emulator) renamed(d *drive, parent, name string) string {
	base, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		base, ext = name[:i], name[i:]
	}
	stamp := base + "_" + e.now().Format("20060102_150405")
	cand := stamp + ext
	for n := 2; d.named(parent, cand) != nil; n++ {
		cand = stamp + "_" + strconv.Itoa(n) + ext
	}
	return cand
}

// removeLocked deletes f and, for a folder, everything under it, releasing their blobs.
func (e *Emulator) removeLocked(d *drive, f *file) {
	if f.Type == typeFolder {
		for _, ch := range d.children(f.ID) {
			e.removeLocked(d, ch)
		}
	}
	delete(d.Files, f.ID)
	e.kit.Release(f.Blobs...)
}
