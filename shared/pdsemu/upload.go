package pdsemu

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"hash/crc64"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ferry-upload/ferry/shared/emukit"
)

type uploadRequest struct {
	DriveID          string        `json:"drive_id"`
	ShareID          string        `json:"share_id"`
	FileID           string        `json:"file_id"`
	UploadID         string        `json:"upload_id"`
	PartInfoList     []partRequest `json:"part_info_list"`
	Limit            flexInt       `json:"limit"`
	PartNumberMarker flexInt       `json:"part_number_marker"`
	Crc64Hash        string        `json:"crc64_hash"`
}

// uploadLocked authenticates and finds the open upload of a request. A completed upload
// id answers NotFound.UploadId (or, when finished is set, AlreadyExist.File).
func (e *Emulator) uploadLocked(r *http.Request, req *uploadRequest, finished error) (*drive, *upload, error) {
	d, err := e.driveLocked(r, req.DriveID, req.ShareID)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case req.FileID == "":
		return nil, nil, ErrInvalidParameterMissing.With("file_id is required")
	case req.UploadID == "":
		return nil, nil, ErrInvalidParameterMissing.With("upload_id is required")
	}
	u := e.st.Uploads[req.UploadID]
	if u == nil || u.Drive != d.ID || u.FileID != req.FileID {
		if fin, ok := e.st.Finished[req.UploadID]; ok && finished != nil && fin.Drive == d.ID && fin.FileID == req.FileID {
			return nil, nil, finished
		}
		return nil, nil, ErrUploadIDNotFound.With("no open upload %q of file %q", req.UploadID, req.FileID)
	}
	return d, u, nil
}

type uploadURLAnswer struct {
	DomainID     string     `json:"domain_id"`
	DriveID      string     `json:"drive_id"`
	FileID       string     `json:"file_id"`
	UploadID     string     `json:"upload_id"`
	CreateAt     string     `json:"create_at"`
	PartInfoList []partInfo `json:"part_info_list"`
}

// getUploadURL serves POST /v2/file/get_upload_url: fresh presigned URLs for the parts
// named. On a completed upload it answers AlreadyExist.File, as the SDK expects.
func (e *Emulator) getUploadURL(c *emukit.Call) error {
	var req uploadRequest
	if err := readBody(c, &req); err != nil {
		return err
	}
	if len(req.PartInfoList) == 0 {
		return ErrInvalidParameterMissing.With("part_info_list is required")
	}
	var ans uploadURLAnswer
	err := e.kit.Update(func() error {
		d, u, err := e.uploadLocked(c.Request(), &req, ErrAlreadyExistFile.With("the upload is complete"))
		if err != nil {
			return err
		}
		ans = uploadURLAnswer{DomainID: e.cfg.domain, DriveID: d.ID, FileID: u.FileID, UploadID: u.ID, CreateAt: isoTime(u.Created)}
		seen := map[int]bool{}
		for _, p := range req.PartInfoList {
			if p.PartNumber < 1 || p.PartNumber > u.PartCount || seen[p.PartNumber] {
				return ErrInvalidParameter.With("part numbers must be within 1..%d, each once", u.PartCount)
			}
			seen[p.PartNumber] = true
			ans.PartInfoList = append(ans.PartInfoList, e.partTargetLocked(c.Request(), u, p.PartNumber))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ans)
}

type listPartsAnswer struct {
	DomainID             string     `json:"domain_id"`
	DriveID              string     `json:"drive_id"`
	FileID               string     `json:"file_id"`
	UploadID             string     `json:"upload_id"`
	ParallelUpload       bool       `json:"parallel_upload"`
	UploadedParts        []partInfo `json:"uploaded_parts"`
	NextPartNumberMarker string     `json:"next_part_number_marker"`
}

// listUploadedParts serves POST /v2/file/list_uploaded_parts: the parts stored with
// numbers above part_number_marker, limit (1..100, default 100) at a time;
// next_part_number_marker is "" on the last page.
func (e *Emulator) listUploadedParts(c *emukit.Call) error {
	var req uploadRequest
	if err := readBody(c, &req); err != nil {
		return err
	}
	limit := int64(100)
	if req.Limit.set {
		if limit = req.Limit.n; limit < 1 || limit > 100 {
			return ErrInvalidParameterRange.With("limit must be within 1..100")
		}
	}
	if req.PartNumberMarker.n < 0 {
		return ErrInvalidParameterRange.With("part_number_marker must not be negative")
	}
	var ans listPartsAnswer
	e.kit.Lock()
	err := func() error {
		d, u, err := e.uploadLocked(c.Request(), &req, nil)
		if err != nil {
			return err
		}
		ans = listPartsAnswer{DomainID: e.cfg.domain, DriveID: d.ID, FileID: u.FileID, UploadID: u.ID,
			ParallelUpload: u.Parallel, UploadedParts: []partInfo{}}
		var nums []int
		for n := range u.Parts {
			if int64(n) > req.PartNumberMarker.n {
				nums = append(nums, n)
			}
		}
		slices.Sort(nums)
		for i, n := range nums {
			if int64(i) == limit {
				ans.NextPartNumberMarker = strconv.Itoa(nums[i-1])
				break
			}
			p := u.Parts[n]
			size := p.Blob.Size
			ans.UploadedParts = append(ans.UploadedParts, partInfo{PartNumber: n, ETag: etag(p.Blob.MD5), PartSize: &size})
		}
		return nil
	}()
	e.kit.Unlock()
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ans)
}

// digests are what complete computes over a file's bytes.
type digests struct {
	sha1, preHash, sha256 string
	crc64                 uint64
}

var crcTable = crc64.MakeTable(crc64.ECMA) // CRC-64/XZ, what OSS calls crc64ecma

// digest reads blobs once for the SHA-1 (content_hash), the SHA-1 of the first 1 KiB
// (pre_hash), the SHA-256 (test-control listing) and the CRC-64. The emulator computes
// these itself rather than with shared/hashes, which the clients use, so that one shared
// bug cannot pass unseen.
func (e *Emulator) digest(blobs []emukit.BlobRef) (digests, error) {
	r, err := e.kit.OpenContent(blobs)
	if err != nil {
		return digests{}, err
	}
	defer r.Close()
	h1, h256, pre := sha1.New(), sha256.New(), sha1.New()
	var crc uint64
	buf := make([]byte, 256<<10)
	var off int64
	for off < r.Size() {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), r.Size()-off)], off)
		if n > 0 {
			b := buf[:n]
			h1.Write(b)
			h256.Write(b)
			crc = crc64.Update(crc, crcTable, b)
			if off < preHashSize {
				pre.Write(b[:min(int64(n), preHashSize-off)])
			}
			off += int64(n)
		}
		if err != nil && err != io.EOF {
			return digests{}, err
		}
		if n == 0 {
			return digests{}, io.ErrUnexpectedEOF
		}
	}
	up := func(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }
	return digests{sha1: up(h1.Sum(nil)), preHash: up(pre.Sum(nil)), sha256: hex.EncodeToString(h256.Sum(nil)), crc64: crc}, nil
}
