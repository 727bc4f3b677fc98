package smhemu

import (
	"crypto/md5"
	"encoding/hex"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// taskLocked authenticates a call on an upload task (…/{confirmKey}?renew|upload|confirm)
// and finds the task, which must belong to the route's library and space.
func (e *Emulator) taskLocked(c *call, grants []string, what string) (*token, *space, *upload, error) {
	t, sp, err := e.authSpaceLocked(c)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := t.require(grants, what); err != nil {
		return nil, nil, nil, err
	}
	u := e.st.Uploads[c.rt.key]
	if u == nil || u.Library != c.rt.lib || u.Space != sp.ID {
		return nil, nil, nil, ErrUploadNotFound
	}
	return t, sp, u, nil
}

// uploadRenew serves POST …/{confirmKey}?renew: fresh signed headers for a multipart task.
func (e *Emulator) uploadRenew(c *call) error {
	var ans uploadInfo
	err := e.kit.UpdateEntries(func() error {
		_, _, u, err := e.taskLocked(c, grantsBegin, "renew upload")
		if err != nil {
			return err
		}
		if !u.Multipart {
			return ErrNotMultipartUpload.With("only multipart upload tasks are renewed; begin a simple upload again")
		}
		u.Sig = e.signLocked(dataPrefix+u.ObjectKey, u.UploadID)
		e.touchUploadLocked(u.ConfirmKey, u)
		ans = u.info(c.r.Host)
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, ans)
}

type partState struct {
	PartNumber   int    `json:"PartNumber"`
	LastModified string `json:"LastModified"`
	ETag         string `json:"ETag"`
	Size         int64  `json:"Size"`
}

type taskState struct {
	Confirmed          bool        `json:"confirmed"`
	Path               []string    `json:"path"`
	Type               string      `json:"type"`
	CreationTime       string      `json:"creationTime"`
	ConflictStrategy   string      `json:"conflictResolutionStrategy"`
	Force              bool        `json:"force"`
	AvailableDomainNum int         `json:"availableDomainNum"`
	UploadID           string      `json:"uploadId,omitempty"`
	Parts              []partState `json:"parts"`
	UploadPartInfo     uploadInfo  `json:"uploadPartInfo"`
}

// uploadState serves GET …/{confirmKey}?upload: the task and its received parts (a
// simple upload task lists no parts).
func (e *Emulator) uploadState(c *call) error {
	var ans taskState
	err := e.kit.UpdateEntries(func() error {
		_, _, u, err := e.taskLocked(c, grantsState, "upload state")
		if err != nil {
			return err
		}
		ans = taskState{
			Path: slices.Clone(u.Path), Type: fileKind(u.Path[len(u.Path)-1]), CreationTime: isoTime(u.Created),
			ConflictStrategy: u.Strategy, Force: u.Force, AvailableDomainNum: 1, UploadID: u.UploadID,
			Parts: []partState{}, UploadPartInfo: u.info(c.r.Host),
		}
		ans.UploadPartInfo.ConfirmKey = ""
		if u.Multipart {
			for _, n := range slices.Sorted(maps.Keys(u.Parts)) {
				p := u.Parts[n]
				ans.Parts = append(ans.Parts, partState{PartNumber: n, LastModified: isoTime(p.Modified),
					ETag: `"` + p.Blob.MD5 + `"`, Size: p.Blob.Size})
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, ans)
}

// uploadCancel serves DELETE …/{confirmKey}?upload: drops the task and its parts.
func (e *Emulator) uploadCancel(c *call) error {
	err := e.kit.UpdateEntries(func() error {
		_, _, u, err := e.taskLocked(c, grantsBegin, "cancel upload")
		if err != nil {
			return err
		}
		e.dropTaskLocked(u)
		for _, p := range u.Parts {
			e.kit.Release(p.Blob)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.empty(http.StatusNoContent)
}

func (e *Emulator) dropTaskLocked(u *upload) {
	delete(e.st.Uploads, u.ConfirmKey)
	delete(e.st.objects, u.ObjectKey)
	e.touchUploadLocked(u.ConfirmKey, nil)
	e.kit.ReleaseParts(u.ConfirmKey)
}

// crcParam is the confirm body's crc64: a decimal string (a JSON number is taken too).
type crcParam struct {
	set bool
	v   uint64
}

func (p *crcParam) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		return nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return ErrInvalidParameter.With("crc64 must be an unsigned decimal number")
	}
	p.set, p.v = true, v
	return nil
}

// uploadConfirm serves POST …/{confirmKey}?confirm: checks that the parts are complete
// (contiguous from 1; all but the last at least 1 MiB), the optional crc64, the
// conflict strategy (query, else the one given at begin), and stores the file.
func (e *Emulator) uploadConfirm(c *call) error {
	var body struct {
		uploadMeta
		Crc64 crcParam `json:"crc64"`
	}
	if _, err := c.readJSON(&body, false); err != nil {
		return err
	}
	var ans fileObject
	err := e.kit.UpdateEntries(func() error {
		t, sp, u, err := e.taskLocked(c, grantsConfirm, "confirm upload")
		if err != nil {
			return err
		}
		strategy, err := parseStrategy(c.rt.query.Get("conflict_resolution_strategy"), u.Strategy, "ask", "rename", "overwrite")
		if err != nil {
			return err
		}
		fd, err := assemble(u)
		if err != nil {
			return err
		}
		if body.Crc64.set && body.Crc64.v != fd.CRC64 {
			return ErrBadCrc64.With("crc64 %d given, the received bytes have %d", body.Crc64.v, fd.CRC64)
		}
		fd.uploadMeta = mergeMeta(u.uploadMeta, body.uploadMeta)
		mayOverwrite := u.Force || t.hasAny([]string{"admin", "space_admin", "upload_file_force"})
		final, err := e.placeLocked(e.libs[u.Library], sp, u.Path, strategy, mayOverwrite, fd)
		if err != nil {
			return err
		}
		e.dropTaskLocked(u)
		e.kit.TrackUpload(u.ConfirmKey, "/"+pathKey(final), fd.Size)
		ans = newFileObject(final, sp.get(final))
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, ans)
}

// assemble turns a task's parts into a file, without reading or copying any byte: the
// file is its list of part blobs; the CRC is combined from the parts' CRCs.
func assemble(u *upload) (*fileData, error) {
	nums := slices.Sorted(maps.Keys(u.Parts))
	n := len(nums)
	switch {
	case !u.Multipart && u.Parts[1] == nil:
		return nil, ErrUploadIncomplete.With("the body of this simple upload has not arrived")
	case n == 0:
		return nil, ErrUploadIncomplete.With("no part has arrived")
	case nums[n-1] != n:
		for i, num := range nums {
			if num != i+1 {
				return nil, ErrUploadIncomplete.With("part %d is missing (parts must be contiguous from 1)", i+1)
			}
		}
	}
	fd := &fileData{Meta: u.Meta}
	md5s := md5.New()
	for i, num := range nums {
		b := u.Parts[num].Blob
		if i < n-1 && b.Size < quickBlock {
			return nil, ErrPartTooSmall.With("part %d has %d bytes; every part but the last needs at least 1 MiB", num, b.Size)
		}
		raw, _ := hex.DecodeString(b.MD5)
		md5s.Write(raw)
		fd.CRC64 = crc64Combine(fd.CRC64, b.CRC64, b.Size)
		fd.Size += b.Size
		fd.Blobs = append(fd.Blobs, b)
	}
	if u.Declared >= 0 && fd.Size != u.Declared {
		return nil, ErrUploadIncomplete.With("received %d bytes; the task announced %d", fd.Size, u.Declared)
	}
	fd.ETag = `"` + fd.Blobs[0].MD5 + `"`
	if u.Multipart {
		fd.ETag = `"` + hex.EncodeToString(md5s.Sum(nil)) + "-" + strconv.Itoa(n) + `"`
	}
	fd.BeginningHash = fd.Blobs[0].Head
	if fd.Size <= quickBlock {
		fd.FullHash, fd.SHA256 = fd.BeginningHash, fd.BeginningHash
	}
	fd.ContentType, _ = contentType(u.Path[len(u.Path)-1])
	return fd, nil
}

// mergeMeta lets the confirm body replace what begin said.
func mergeMeta(begin, confirm uploadMeta) uploadMeta {
	m := begin
	if confirm.Labels != nil {
		m.Labels = confirm.Labels
	}
	if confirm.Category != "" {
		m.Category = confirm.Category
	}
	if confirm.LocalCreated != "" {
		m.LocalCreated = confirm.LocalCreated
	}
	if confirm.LocalModified != "" {
		m.LocalModified = confirm.LocalModified
	}
	return m
}
