package smhemu

import (
	"io"
	"net/http"
	"strconv"
	"time"
)

// COS limits the data plane enforces.
const (
	maxPartSize   = 5 << 30 // 5 GiB per PUT
	maxPartNumber = 10000
)

// dataPut serves PUT {domain}{path} (a simple upload's body) and
// PUT {domain}{path}?partNumber=N&uploadId=… (a part). The signed headers from upload
// info are checked first; the body is streamed into a new blob while MD5 and CRC-64 are
// computed; only a complete body is kept (a re-PUT of a part replaces it).
func (e *Emulator) dataPut(c *call) error {
	rt := c.rt
	uploadID, num := "", 1
	if rt.op == opDataPartPut {
		n, err := strconv.Atoi(rt.query.Get("partNumber"))
		if err != nil || n < 1 || n > maxPartNumber {
			return ErrInvalidArgument.With("partNumber must be an integer within 1..%d", maxPartNumber)
		}
		if uploadID = rt.query.Get("uploadId"); uploadID == "" {
			return ErrInvalidArgument.With("uploadId is required with partNumber")
		}
		num = n
	}
	if err := e.verifyPut(c.r.Header.Get("Authorization"), c.r.Header.Get("x-cos-security-token"), dataPrefix+rt.key, uploadID); err != nil {
		return err
	}
	e.kit.Lock()
	ck := e.st.objects[rt.key]
	u := e.st.Uploads[ck]
	e.kit.Unlock()
	switch {
	case u == nil:
		return ErrNoSuchUpload
	case u.Multipart != (rt.op == opDataPartPut):
		return ErrInvalidArgument.With("this upload takes a single PUT without partNumber and uploadId")
	case u.Multipart && uploadID != u.UploadID:
		return ErrNoSuchUpload
	}
	size := c.r.ContentLength
	switch {
	case size < 0:
		return ErrMissingContentLength
	case size > maxPartSize:
		return ErrEntityTooLarge
	}
	ref, err := e.kit.WriteBlob(c.body, size)
	if err != nil {
		e.log.Warn("data plane: body not stored", "requestId", c.id, "err", err)
		return ErrIncompleteBody
	}
	if err := e.commitPart(u, num, ref); err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("ETag", `"`+ref.MD5+`"`)
	h.Set("x-cos-hash-crc64ecma", crcString(ref.CRC64))
	return c.empty(http.StatusOK)
}

// commitPart records a received blob as part num of u, replacing an earlier one.
func (e *Emulator) commitPart(u *upload, num int, ref blobRef) error {
	e.kit.Lock()
	defer e.kit.Unlock()
	if e.st.Uploads[u.ConfirmKey] != u { // confirmed or canceled meanwhile
		e.kit.RemoveBlob(ref.ID)
		return ErrNoSuchUpload
	}
	p := &part{Number: num, Blob: ref, Modified: e.now()}
	if err := e.kit.SavePart(u.ConfirmKey, p); err != nil {
		e.kit.RemoveBlob(ref.ID)
		return err
	}
	old := u.Parts[num]
	u.Parts[num] = p
	if old != nil {
		e.kit.RemoveBlob(old.Blob.ID) // an open task's part belongs to it alone
	}
	e.kit.TrackUpload(u.ConfirmKey, "/"+pathKey(u.Path), u.partsSize())
	e.kit.CountStored(u.ConfirmKey, ref.Size)
	return nil
}

// dataGet serves GET (and HEAD) of a signed download URL (file info's cosUrl, the target
// of a download's redirect), with ranges.
func (e *Emulator) dataGet(c *call) error {
	rt := c.rt
	if err := e.verifyGet(rt.lib, rt.space, rt.path, rt.query.Get("q-expires"), rt.query.Get("q-signature")); err != nil {
		return err
	}
	var (
		fd      *fileData
		modTime time.Time
	)
	e.kit.Lock()
	if l := e.st.Libraries[rt.lib]; l != nil {
		if sp := l.Spaces[rt.space]; sp != nil {
			if n := sp.get(rt.path); n != nil && n.File != nil {
				fd, modTime = n.File, n.Modified
			}
		}
	}
	e.kit.Unlock()
	if fd == nil {
		return ErrNoSuchKey
	}
	r, err := e.kit.OpenContent(fd.Blobs)
	if err != nil {
		return ErrNoSuchKey
	}
	defer r.Close()
	h := c.w.Header()
	h.Set("ETag", fd.ETag)
	h.Set("x-cos-hash-crc64ecma", crcString(fd.CRC64))
	h.Set("Content-Type", fd.ContentType)
	http.ServeContent(c.w, c.r, "", modTime, io.NewSectionReader(r, 0, r.Size()))
	return nil
}
