package pdsemu

import (
	"net/http"
	"slices"

	"github.com/ferry-upload/ferry/shared/emukit"
)

type createRequest struct {
	DriveID         string        `json:"drive_id"`
	ShareID         string        `json:"share_id"`
	ParentFileID    string        `json:"parent_file_id"`
	Name            string        `json:"name"`
	Type            string        `json:"type"`
	Size            flexInt       `json:"size"`
	ContentType     string        `json:"content_type"`
	PartInfoList    []partRequest `json:"part_info_list"`
	CheckNameMode   string        `json:"check_name_mode"`
	ContentHash     string        `json:"content_hash"`
	ContentHashName string        `json:"content_hash_name"`
	PreHash         string        `json:"pre_hash"`
	ParallelUpload  bool          `json:"parallel_upload"`
	FileID          string        `json:"file_id"`
}

// createAnswer is CreateFileResponseBody.
type createAnswer struct {
	DomainID     string     `json:"domain_id"`
	DriveID      string     `json:"drive_id"`
	FileID       string     `json:"file_id"`
	FileName     string     `json:"file_name"`
	ParentFileID string     `json:"parent_file_id"`
	Type         string     `json:"type"`
	Status       string     `json:"status"`
	UploadID     string     `json:"upload_id,omitempty"`
	RapidUpload  bool       `json:"rapid_upload"`
	Exist        bool       `json:"exist"`
	PartInfoList []partInfo `json:"part_info_list,omitempty"`
}

// checkCreate validates what does not need the state; it returns the part count.
func checkCreate(req *createRequest) (int, error) {
	switch req.CheckNameMode {
	case "":
		req.CheckNameMode = "ignore"
	case "ignore", "auto_rename", "refuse":
	default:
		return 0, ErrInvalidParameter.With("check_name_mode must be ignore, auto_rename or refuse")
	}
	if req.FileID == "" {
		if err := checkName(req.Name); err != nil {
			return 0, err
		}
	}
	switch req.Type {
	case typeFolder:
		if req.Size.set || req.PartInfoList != nil || req.ContentHash != "" || req.PreHash != "" || req.FileID != "" {
			return 0, ErrInvalidParameter.With("a folder has no size, parts, hashes or file_id")
		}
		return 0, nil
	case typeFile:
	case "":
		return 0, ErrInvalidParameterMissing.With("type is required")
	default:
		return 0, ErrInvalidParameter.With("type must be file or folder")
	}
	if !req.Size.set {
		return 0, ErrInvalidParameterMissing.With("size is required for a file")
	}
	if req.Size.n < 0 || req.Size.n > maxParts*maxPartSize {
		return 0, ErrInvalidParameterRange.With("size is out of range")
	}
	n := len(req.PartInfoList)
	if req.PartInfoList == nil {
		n = 1
	}
	if n < 1 || n > maxParts {
		return 0, ErrInvalidParameterRange.With("part_info_list holds 1..%d parts", maxParts)
	}
	seen := make([]bool, n+1)
	for _, p := range req.PartInfoList {
		if p.PartNumber < 1 || p.PartNumber > n || seen[p.PartNumber] {
			return 0, ErrInvalidParameter.With("part_info_list must number its parts 1..%d, each once", n)
		}
		seen[p.PartNumber] = true
	}
	var err error
	if req.ContentHash, err = sha1Hex("content_hash", req.ContentHash); err != nil {
		return 0, err
	}
	if req.PreHash, err = sha1Hex("pre_hash", req.PreHash); err != nil {
		return 0, err
	}
	if req.ContentHash != "" && req.ContentHashName != "sha1" {
		return 0, ErrInvalidParameter.With("content_hash_name must be sha1")
	}
	return n, nil
}

// createFile serves POST /v2/file/create: a folder, or a file by rapid upload or as a new
// upload with a presigned URL per part.
func (e *Emulator) createFile(c *emukit.Call) error {
	var req createRequest
	if err := readBody(c, &req); err != nil {
		return err
	}
	parts, err := checkCreate(&req)
	if err != nil {
		return err
	}
	var ans createAnswer
	err = e.kit.Update(func() error {
		d, err := e.driveLocked(c.Request(), req.DriveID, req.ShareID)
		if err != nil {
			return err
		}
		ans, err = e.createLocked(c.Request(), d, &req, parts)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ans)
}

func (e *Emulator) createLocked(r *http.Request, d *drive, req *createRequest, parts int) (createAnswer, error) {
	ans := createAnswer{DomainID: e.cfg.domain, DriveID: d.ID, Type: req.Type}
	var target *file // the file a new revision replaces
	name, parent := req.Name, req.ParentFileID
	if req.FileID != "" {
		if target = d.Files[req.FileID]; target == nil || target.Type != typeFile {
			return ans, ErrFileNotFound.With("no file %q in drive %q", req.FileID, d.ID)
		}
		name, parent = target.Name, target.Parent
	} else {
		if err := folderLocked(d, parent); err != nil {
			return ans, err
		}
		if ex := d.named(parent, name); ex != nil {
			switch req.CheckNameMode {
			case "refuse":
				ans.FileID, ans.FileName, ans.ParentFileID, ans.Type = ex.ID, ex.Name, ex.Parent, ex.Type
				ans.Status, ans.Exist = "available", true
				return ans, nil
			case "auto_rename":
				name = e.renamed(d, parent, name)
			}
		}
	}
	ans.FileName, ans.ParentFileID = name, parent
	now := e.now()
	if req.Type == typeFolder {
		f := &file{ID: newFileID(), Parent: parent, Name: name, Type: typeFolder, Created: now, Updated: now}
		d.Files[f.ID] = f
		ans.FileID, ans.Status = f.ID, "available"
		return ans, nil
	}
	size := req.Size.n
	if req.ContentHash != "" {
		if src := d.storedLike(size, func(f *file) bool { return f.SHA1 == req.ContentHash }); src != nil {
			f := e.placeRapidLocked(d, target, parent, name, req.ContentType, src)
			ans.FileID, ans.FileName, ans.Status, ans.RapidUpload = f.ID, f.Name, "available", true
			return ans, nil
		}
	} else if req.PreHash != "" {
		if d.storedLike(size, func(f *file) bool { return f.PreHash == req.PreHash }) != nil {
			return ans, ErrPreHashMatched
		}
	}
	u := &upload{ID: newUploadID(), Drive: d.ID, FileID: newFileID(), Parent: parent, Name: name,
		CheckNameMode: req.CheckNameMode, Size: size, PartCount: parts, Parallel: req.ParallelUpload,
		ContentType: req.ContentType, Created: now, Parts: map[int]*emukit.Part{}}
	if target != nil {
		u.FileID, u.Replace = target.ID, true
	}
	e.st.Uploads[u.ID] = u
	e.kit.TrackUpload(u.ID, d.folderPath(parent)+"/"+name, 0)
	ans.FileID, ans.Status, ans.UploadID = u.FileID, "uploading", u.ID
	for n := 1; n <= parts; n++ {
		ans.PartInfoList = append(ans.PartInfoList, e.partTargetLocked(r, u, n))
	}
	return ans, nil
}

// storedLike finds a stored file of d of this size that match accepts.
func (d *drive) storedLike(size int64, match func(*file) bool) *file {
	for _, f := range d.Files {
		if f.Type == typeFile && f.Size == size && match(f) {
			return f
		}
	}
	return nil
}

// placeRapidLocked stores a file sharing src's bytes: a new file, or a new revision of
// target.
func (e *Emulator) placeRapidLocked(d *drive, target *file, parent, name, ctype string, src *file) *file {
	now := e.now()
	f := target
	if f == nil {
		f = &file{ID: newFileID(), Parent: parent, Name: name, Type: typeFile, Created: now}
		d.Files[f.ID] = f
	} else {
		e.kit.Release(f.Blobs...)
	}
	f.Size, f.SHA1, f.PreHash, f.SHA256, f.CRC64 = src.Size, src.SHA1, src.PreHash, src.SHA256, src.CRC64
	f.Blobs, f.ContentType, f.Updated = slices.Clone(src.Blobs), ctype, now
	return f
}
