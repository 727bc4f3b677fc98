package pdsemu

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// finishedMemory is how long get_upload_url tells a completed upload (AlreadyExist.File)
// from an unknown one.
const finishedMemory = 24 * time.Hour

// completeFile serves POST /v2/file/complete: parts 1..n all stored, every part but the
// last at least the minimum part size, their sizes summing to the size announced at create,
// the etags of part_info_list (when given) those stored and crc64_hash (when given) the
// CRC-64 of the bytes. A refused complete leaves the upload open; a completed upload id is
// NotFound.UploadId from then on.
func (e *Emulator) completeFile(c *emukit.Call) error {
	var req uploadRequest
	if err := readBody(c, &req); err != nil {
		return err
	}
	var wantCRC *uint64
	if req.Crc64Hash != "" {
		v, err := strconv.ParseUint(req.Crc64Hash, 10, 64)
		if err != nil {
			return ErrInvalidParameter.With("crc64_hash must be the decimal CRC-64/ECMA-182 of the file")
		}
		wantCRC = &v
	}
	for {
		// Check and snapshot the parts, hash them unlocked, then commit if nothing changed.
		e.kit.Lock()
		blobs, err := e.checkCompleteLocked(c.Request(), &req)
		e.kit.Unlock()
		if err != nil {
			return err
		}
		dg, err := e.digest(blobs)
		if err != nil {
			return err
		}
		if wantCRC != nil && *wantCRC != dg.crc64 {
			return ErrCRC64Mismatch.With("crc64_hash %d, the parts hold %d", *wantCRC, dg.crc64)
		}
		var ans fileObject
		again := false
		err = e.kit.Update(func() error {
			now, err := e.checkCompleteLocked(c.Request(), &req)
			if err != nil {
				return err
			}
			if !slices.EqualFunc(now, blobs, func(a, b emukit.BlobRef) bool { return a.ID == b.ID }) {
				again = true // a part was sent again meanwhile
				return nil
			}
			d, u := e.st.Drives[req.DriveID], e.st.Uploads[req.UploadID]
			f, err := e.placeUploadLocked(d, u, blobs, dg)
			if err != nil {
				return err
			}
			delete(e.st.Uploads, u.ID)
			e.kit.ReleaseParts(u.ID)
			for id, fin := range e.st.Finished { // remembered for a day: the state stays small
				if e.now().Sub(fin.At) > finishedMemory {
					delete(e.st.Finished, id)
				}
			}
			e.st.Finished[u.ID] = finishedUpload{Drive: d.ID, FileID: f.ID, At: e.now()}
			e.kit.TrackUpload(u.ID, d.path(f), f.Size)
			ans = e.fileObject(d.ID, f)
			return nil
		})
		if err != nil {
			return err
		}
		if !again {
			return c.JSON(http.StatusOK, ans)
		}
	}
}

// checkCompleteLocked checks an upload is complete and returns its parts' blobs in order.
func (e *Emulator) checkCompleteLocked(r *http.Request, req *uploadRequest) ([]emukit.BlobRef, error) {
	_, u, err := e.uploadLocked(r, req, nil)
	if err != nil {
		return nil, err
	}
	blobs := make([]emukit.BlobRef, 0, u.PartCount)
	var total int64
	for n := 1; n <= u.PartCount; n++ {
		p := u.Parts[n]
		if p == nil {
			return nil, ErrPartMissing.With("part %d of %d has not been uploaded", n, u.PartCount)
		}
		if n < u.PartCount && p.Blob.Size < e.cfg.minPartSize {
			return nil, ErrPartTooSmall.With("part %d holds %d bytes; every part but the last needs %d", n, p.Blob.Size, e.cfg.minPartSize)
		}
		blobs, total = append(blobs, p.Blob), total+p.Blob.Size
	}
	if total != u.Size {
		return nil, ErrSizeMismatch.With("the parts hold %d bytes; create announced %d", total, u.Size)
	}
	for _, p := range req.PartInfoList {
		if p.PartNumber < 1 || p.PartNumber > u.PartCount {
			return nil, ErrPartMissing.With("part_info_list names part %d of %d", p.PartNumber, u.PartCount)
		}
		if p.ETag != "" && !strings.EqualFold(strings.Trim(p.ETag, `"`), strings.Trim(etag(u.Parts[p.PartNumber].Blob.MD5), `"`)) {
			return nil, ErrPartMissing.With("part %d: etag %s is not the stored part's", p.PartNumber, p.ETag)
		}
	}
	return blobs, nil
}

// placeUploadLocked stores a completed upload: a new revision of the file it replaces, or
// a new file (check_name_mode applied again against files stored since create).
func (e *Emulator) placeUploadLocked(d *drive, u *upload, blobs []emukit.BlobRef, dg digests) (*file, error) {
	now := e.now()
	var f *file
	if u.Replace {
		if f = d.Files[u.FileID]; f == nil {
			return nil, ErrFileNotFound.With("file %q was deleted during the upload", u.FileID)
		}
		e.kit.Release(f.Blobs...)
	} else {
		if err := folderLocked(d, u.Parent); err != nil {
			return nil, err
		}
		name := u.Name
		if d.named(u.Parent, name) != nil {
			switch u.CheckNameMode {
			case "refuse":
				return nil, ErrAlreadyExistFile.With("%q was stored during the upload", name)
			case "auto_rename":
				name = e.renamed(d, u.Parent, name)
			}
		}
		f = &file{ID: u.FileID, Parent: u.Parent, Name: name, Type: typeFile, Created: now}
		d.Files[f.ID] = f
	}
	f.Size, f.ContentType, f.Blobs, f.Updated = u.Size, u.ContentType, blobs, now
	f.SHA1, f.PreHash, f.SHA256, f.CRC64 = dg.sha1, dg.preHash, dg.sha256, dg.crc64
	return f, nil
}
