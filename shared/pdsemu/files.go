package pdsemu

import (
	"net/http"
	"strings"

	"github.com/ferry-upload/ferry/shared/emukit"
)

type fileRequest struct {
	DriveID  string `json:"drive_id"`
	ShareID  string `json:"share_id"`
	FileID   string `json:"file_id"`
	FilePath string `json:"file_path"`
}

// getFile serves POST /v2/file/get.
func (e *Emulator) getFile(c *emukit.Call) error {
	var req fileRequest
	if err := readBody(c, &req); err != nil {
		return err
	}
	var ans fileObject
	e.kit.Lock()
	err := func() error {
		d, err := e.driveLocked(c.Request(), req.DriveID, req.ShareID)
		if err != nil {
			return err
		}
		f := d.Files[req.FileID]
		if f == nil {
			return ErrFileNotFound.With("no file %q in drive %q", req.FileID, d.ID)
		}
		ans = e.fileObject(d.ID, f)
		return nil
	}()
	e.kit.Unlock()
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ans)
}

// getFileByPath serves POST /v2/file/get_by_path: file_path is "/a/b/name" from the
// drive's root; among entries of the same name (check_name_mode ignore) the oldest wins.
func (e *Emulator) getFileByPath(c *emukit.Call) error {
	var req fileRequest
	if err := readBody(c, &req); err != nil {
		return err
	}
	levels, err := splitPath(req.FilePath)
	if err != nil {
		return err
	}
	var ans fileObject
	e.kit.Lock()
	err = func() error {
		d, err := e.driveLocked(c.Request(), req.DriveID, req.ShareID)
		if err != nil {
			return err
		}
		parent := rootID
		var f *file
		for i, name := range levels {
			if f = d.named(parent, name); f == nil || i < len(levels)-1 && f.Type != typeFolder {
				return ErrFileNotFound.With("no file at %q in drive %q", req.FilePath, d.ID)
			}
			parent = f.ID
		}
		ans = e.fileObject(d.ID, f)
		return nil
	}()
	e.kit.Unlock()
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ans)
}

func splitPath(p string) ([]string, error) {
	if p == "" {
		return nil, ErrInvalidParameterMissing.With("file_path is required")
	}
	rest, ok := strings.CutPrefix(p, "/")
	if !ok || rest == "" {
		return nil, ErrInvalidParameter.With("file_path must be /name or /folder/…/name")
	}
	levels := strings.Split(rest, "/")
	for _, l := range levels {
		if err := checkName(l); err != nil {
			return nil, ErrInvalidParameter.With("file_path %q has a bad level", p)
		}
	}
	return levels, nil
}

type listRequest struct {
	DriveID      string  `json:"drive_id"`
	ShareID      string  `json:"share_id"`
	ParentFileID string  `json:"parent_file_id"`
	Marker       string  `json:"marker"`
	Limit        flexInt `json:"limit"`
}

type listAnswer struct {
	Items      []fileObject `json:"items"`
	NextMarker string       `json:"next_marker"`
}

// listFiles serves POST /v2/file/list: a folder's entries by name, limit (1..100, default
// 100) at a time; marker is the next_marker of the page before (the emulator's own
// opaque value: the id of the page's last entry).
func (e *Emulator) listFiles(c *emukit.Call) error {
	var req listRequest
	if err := readBody(c, &req); err != nil {
		return err
	}
	limit := int64(100)
	if req.Limit.set {
		if limit = req.Limit.n; limit < 1 || limit > 100 {
			return ErrInvalidParameterRange.With("limit must be within 1..100")
		}
	}
	ans := listAnswer{Items: []fileObject{}}
	e.kit.Lock()
	err := func() error {
		d, err := e.driveLocked(c.Request(), req.DriveID, req.ShareID)
		if err != nil {
			return err
		}
		if err := folderLocked(d, req.ParentFileID); err != nil {
			return err
		}
		kids := d.children(req.ParentFileID)
		start := 0
		if req.Marker != "" {
			start = -1
			for i, f := range kids {
				if f.ID == req.Marker {
					start = i + 1
				}
			}
			if start < 0 {
				return ErrInvalidParameter.With("marker is not one this folder gave")
			}
		}
		for i := start; i < len(kids) && int64(len(ans.Items)) < limit; i++ {
			ans.Items = append(ans.Items, e.fileObject(d.ID, kids[i]))
		}
		if end := start + len(ans.Items); end < len(kids) {
			ans.NextMarker = kids[end-1].ID
		}
		return nil
	}()
	e.kit.Unlock()
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ans)
}

// deleteFile serves POST /v2/file/delete: the file, or the folder and all under it, is gone
// at once (204; no recycle bin).
func (e *Emulator) deleteFile(c *emukit.Call) error {
	var req fileRequest
	if err := readBody(c, &req); err != nil {
		return err
	}
	err := e.kit.Update(func() error {
		d, err := e.driveLocked(c.Request(), req.DriveID, req.ShareID)
		if err != nil {
			return err
		}
		f := d.Files[req.FileID]
		if f == nil {
			// A file still being uploaded is invisible, but its id (from create) deletes
			// it: the upload and its received parts go (assumed; PDS has no abort call).
			for id, u := range e.st.Uploads {
				if u.Drive == d.ID && u.FileID == req.FileID && !u.Replace {
					delete(e.st.Uploads, id)
					e.kit.ReleaseParts(id)
					return nil
				}
			}
			return ErrFileNotFound.With("no file %q in drive %q", req.FileID, d.ID)
		}
		e.removeLocked(d, f)
		return nil
	})
	if err != nil {
		return err
	}
	return c.Empty(http.StatusNoContent)
}
