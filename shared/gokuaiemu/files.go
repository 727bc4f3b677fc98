package gokuaiemu

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/ferry-upload/ferry/shared/emukit"
	"github.com/ferry-upload/ferry/shared/gokuai"
)

// file is a stored file or folder of a library.
type file struct {
	Hash     string           `json:"hash"` // the path's unique id (pathHash)
	Dir      bool             `json:"dir,omitempty"`
	FullPath string           `json:"fullPath"`
	SHA1     string           `json:"sha1,omitempty"` // filehash, lower-case hex
	SHA256   string           `json:"sha256,omitempty"`
	Size     int64            `json:"size"`
	Blobs    []emukit.BlobRef `json:"blobs,omitempty"` // shared by instant uploads of the same content
	Creator  string           `json:"creator"`         // credential ids, as the log names actors
	Modifier string           `json:"modifier"`
	Created  int64            `json:"created"` // Unix seconds
	Modified int64            `json:"modified"`
}

// fileInfo is a file as info describes it (provider-apis.md §3.4).
type fileInfo struct {
	Hash             string `json:"hash"`
	Dir              int    `json:"dir"`
	FullPath         string `json:"fullpath"`
	FileName         string `json:"filename"`
	FileHash         string `json:"filehash"`
	FileSize         int64  `json:"filesize"`
	CreateMemberName string `json:"create_member_name"`
	CreateDateline   int64  `json:"create_dateline"`
	LastMemberName   string `json:"last_member_name"`
	LastDateline     int64  `json:"last_dateline"`
}

func (f *file) info() fileInfo {
	dir := 0
	if f.Dir {
		dir = 1
	}
	return fileInfo{Hash: f.Hash, Dir: dir, FullPath: f.FullPath, FileName: path.Base(f.FullPath), FileHash: f.SHA1,
		FileSize: f.Size, CreateMemberName: f.Creator, CreateDateline: f.Created, LastMemberName: f.Modifier,
		LastDateline: f.Modified}
}

// pathHash is a path's unique id in a mount: stable, so that announcing the same path
// again names the same upload.
func pathHash(mount int64, fullpath string) string {
	s := sha1.Sum(fmt.Appendf(nil, "%d/%s", mount, fullpath))
	return hex.EncodeToString(s[:])
}

// usage is what info reports: bytes of files, count of files and of folders.
func (l *library) usage() (use, files, dirs int64) {
	for _, f := range l.Files {
		if f.Dir {
			dirs++
		} else {
			files++
			use += f.Size
		}
	}
	return use, files, dirs
}

// parents are the folders above p, outermost first.
func parents(p string) []string {
	var out []string
	for i := range len(p) {
		if p[i] == '/' {
			out = append(out, p[:i])
		}
	}
	return out
}

// checkTarget refuses a path whose parent is a file, that is a folder, or (without
// overwrite) that is a file.
func (l *library) checkTarget(p string, overwrite bool) error {
	for _, d := range parents(p) {
		if f := l.Files[d]; f != nil && !f.Dir {
			return errFileExists.With("%s is a file, not a folder", d)
		}
	}
	switch f := l.Files[p]; {
	case f == nil:
	case f.Dir:
		return errFileExists.With("%s is a folder", p)
	case !overwrite:
		return errFileExists.With("%s exists and overwrite is 0", p)
	}
	return nil
}

// checkCapacity refuses a file that would take the library past its capacity (the file
// it replaces is counted out).
func (l *library) checkCapacity(p string, size int64) error {
	if l.Capacity < 0 {
		return nil
	}
	use, _, _ := l.usage()
	if old := l.Files[p]; old != nil && !old.Dir {
		use -= old.Size
	}
	if use+size > l.Capacity {
		return errCapacityExceeded
	}
	return nil
}

// putFile stores f at its path, creating the parent folders, and releases the bytes of
// the file it replaces. checkTarget has passed.
func (e *Emulator) putFile(l *library, f *file, actor string) {
	now := e.now().Unix()
	for _, d := range parents(f.FullPath) {
		if l.Files[d] == nil {
			l.Files[d] = &file{Hash: pathHash(l.MountID, d), Dir: true, FullPath: d, Creator: actor, Modifier: actor,
				Created: now, Modified: now}
		}
	}
	f.Hash, f.Modifier, f.Modified = pathHash(l.MountID, f.FullPath), actor, now
	f.Creator, f.Created = actor, now
	if old := l.Files[f.FullPath]; old != nil {
		f.Creator, f.Created = old.Creator, old.Created
		e.kit.Release(old.Blobs...)
	}
	l.Files[f.FullPath] = f
}

// findContent finds a stored file with this SHA-1 and size in any library: the
// enterprise's storage is content-addressed (instant upload).
func (st *state) findContent(sha1 string, size int64) *file {
	for _, l := range st.sortedLibraries() {
		for _, f := range l.Files {
			if !f.Dir && f.SHA1 == sha1 && f.Size == size {
				return f
			}
		}
	}
	return nil
}

// recordFile logs a file operation.
func (e *Emulator) recordFile(c *call, l *library, act int, op string, f *file) {
	dir := 0
	if f.Dir {
		dir = 1
	}
	e.st.record(&logRecord{OrgID: l.OrgID, Act: act, ActName: "file/" + op, Hash: f.Hash, Dir: dir, FileHash: f.SHA1,
		FileSize: f.Size, FullPath: f.FullPath, Actor: c.actor, Dateline: e.now().Unix()})
}

// libraryOnly refuses the enterprise credential: file operations are a library's.
func (c *call) libraryOnly() error {
	if c.lib == nil {
		return errForbidden.With("file operations need a library credential (org_client_id from bind)")
	}
	return nil
}

// fullpath reads a required path parameter.
func (c *call) fullpath(k string) (string, error) {
	p := c.str(k)
	if err := gokuai.CheckPath(p); err != nil {
		return "", errInvalidParameter.With("%s: %v", k, err)
	}
	return p, nil
}

// createFile serves /1/file/create_file: an instant upload (state 1) when the storage
// holds the content, else an upload on the upload server (state 0).
func (e *Emulator) createFile(c *call) error {
	if err := c.libraryOnly(); err != nil {
		return err
	}
	p, err := c.fullpath("fullpath")
	if err != nil {
		return err
	}
	sum := strings.ToLower(c.str("filehash"))
	if b, err := hex.DecodeString(sum); err != nil || len(b) != 20 {
		return errInvalidParameter.With("filehash must be 40 hex digits (SHA-1)")
	}
	if !c.has("filesize") {
		return errInvalidParameter.With("filesize is required")
	}
	size, err := c.int("filesize", 0)
	if err != nil || size < 0 {
		return errInvalidParameter.With("filesize must be a non-negative integer")
	}
	overwrite := false
	switch c.str("overwrite") {
	case "", "0":
	case "1":
		overwrite = true
	default:
		return errInvalidParameter.With("overwrite is 0 or 1")
	}
	server := e.uploadServer(c.Request())
	var out map[string]any
	err = e.kit.Update(func() error {
		l, err := e.library(c)
		if err != nil {
			return err
		}
		if err := l.checkTarget(p, overwrite); err != nil {
			return err
		}
		if err := l.checkCapacity(p, size); err != nil {
			return err
		}
		hash := pathHash(l.MountID, p)
		if src := e.st.findContent(sum, size); src != nil {
			f := &file{FullPath: p, SHA1: sum, SHA256: src.SHA256, Size: size, Blobs: slices.Clone(src.Blobs)}
			e.putFile(l, f, c.actor)
			e.recordFile(c, l, gokuai.ActCreate, "create_file", f)
			out = map[string]any{"fullpath": p, "hash": hash, "state": 1, "filehash": sum, "filesize": size}
			return nil
		}
		u := e.st.uploadFor(l.OrgID, hash)
		if u != nil && (u.SHA1 != sum || u.Size != size || u.Done || e.expired(u)) {
			e.st.dropUpload(u, e.kit) // another content for the path: the older session ends
			u = nil
		}
		if u == nil {
			u = &upload{Session: emukit.RandomAlnum(32), OrgID: l.OrgID, FullPath: p, Hash: hash, SHA1: sum, Size: size}
			e.st.Uploads[u.Session] = u
		}
		u.Overwrite, u.Actor, u.Expires = overwrite, c.actor, e.sessionExpiry()
		out = map[string]any{"fullpath": p, "hash": hash, "state": 0, "server": server}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(200, out)
}

// fileInfoOp serves /1/file/info by fullpath or hash.
func (e *Emulator) fileInfoOp(c *call) error {
	if err := c.libraryOnly(); err != nil {
		return err
	}
	p, hash := c.str("fullpath"), c.str("hash")
	if (p == "") == (hash == "") {
		return errInvalidParameter.With("one of fullpath and hash is required")
	}
	if p != "" {
		if err := gokuai.CheckPath(p); err != nil {
			return errInvalidParameter.With("fullpath: %v", err)
		}
	}
	e.kit.Lock()
	l, err := e.library(c)
	var out *fileInfo
	if err == nil {
		for _, f := range l.Files {
			if p != "" && f.FullPath == p || hash != "" && f.Hash == hash {
				fi := f.info()
				out = &fi
			}
		}
	}
	e.kit.Unlock()
	switch {
	case err != nil:
		return err
	case out == nil:
		return errFileNotFound
	}
	return c.JSON(200, out)
}

// del serves /1/file/del: fullpaths separated by '|'; a folder goes with everything
// under it. Every path must exist, else nothing is deleted.
func (e *Emulator) del(c *call) error {
	if err := c.libraryOnly(); err != nil {
		return err
	}
	list := strings.Split(c.str("fullpaths"), "|")
	for _, p := range list {
		if err := gokuai.CheckPath(p); err != nil {
			return errInvalidParameter.With("fullpaths: %v", err)
		}
	}
	err := e.kit.Update(func() error {
		l, err := e.library(c)
		if err != nil {
			return err
		}
		for _, p := range list {
			if l.Files[p] == nil {
				return errFileNotFound.With("%s not found", p)
			}
		}
		for _, p := range list {
			for k, f := range l.Files {
				if k == p || strings.HasPrefix(k, p+"/") {
					delete(l.Files, k)
					e.kit.Release(f.Blobs...)
					e.recordFile(c, l, gokuai.ActDelete, "del", f)
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return statusOK(c.Call)
}

// createFolder serves /1/file/create_folder (parents too); an existing folder is
// answered as if created.
func (e *Emulator) createFolder(c *call) error {
	if err := c.libraryOnly(); err != nil {
		return err
	}
	p, err := c.fullpath("fullpath")
	if err != nil {
		return err
	}
	var out map[string]string
	err = e.kit.Update(func() error {
		l, err := e.library(c)
		if err != nil {
			return err
		}
		if f := l.Files[p]; f != nil && f.Dir {
			out = map[string]string{"hash": f.Hash, "fullpath": p}
			return nil
		}
		if err := l.checkTarget(p, false); err != nil {
			return err
		}
		f := &file{Dir: true, FullPath: p}
		e.putFile(l, f, c.actor)
		e.recordFile(c, l, gokuai.ActCreate, "create_folder", f)
		out = map[string]string{"hash": f.Hash, "fullpath": p}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(200, out)
}
