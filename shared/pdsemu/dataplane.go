package pdsemu

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// putPart serves PUT /_oss/{upload_id}/{part_number}?… (a presigned part URL). The URL is
// checked first; unless the upload is parallel, part n needs part n−1 stored
// (PartNotSequential); the body is streamed into a new blob while its MD5 and CRC-64 are
// computed; only a complete body is kept, replacing an earlier one of the same number.
func (e *Emulator) putPart(c *emukit.Call, uploadID, partStr string) error {
	r := c.Request()
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return ErrInvalidArgument.With("malformed query string")
	}
	n, err := e.verifyPartURL(q, uploadID, partStr)
	if err != nil {
		return err
	}
	e.kit.Lock()
	u := e.st.Uploads[uploadID]
	err = e.partAcceptableLocked(u, n)
	e.kit.Unlock()
	if err != nil {
		return err
	}
	size := r.ContentLength
	switch {
	case size < 0:
		return ErrMissingContentLength
	case size > maxPartSize:
		return ErrEntityTooLarge
	}
	ref, err := e.kit.WriteBlob(c.Body(), size)
	if err != nil {
		e.log.Warn("data plane: body not stored", "requestId", c.ID(), "err", err)
		return ErrIncompleteBody
	}
	if err := e.commitPart(uploadID, n, ref); err != nil {
		return err
	}
	h := c.Writer().Header()
	h.Set("ETag", etag(ref.MD5))
	h.Set("x-oss-hash-crc64ecma", uitoa(ref.CRC64))
	return c.Empty(http.StatusOK)
}

// etag is OSS's ETag of a part: the quoted MD5 in uppercase hex.
func etag(md5 string) string { return `"` + strings.ToUpper(md5) + `"` }

func (e *Emulator) partAcceptableLocked(u *upload, n int) error {
	switch {
	case u == nil:
		return ErrNoSuchUpload
	case n > u.PartCount:
		return ErrInvalidArgument.With("the upload has parts 1..%d", u.PartCount)
	case !u.Parallel && n > 1 && u.Parts[n-1] == nil:
		return ErrPartNotSequential.With("part %d arrived before part %d (parallel_upload is off)", n, n-1)
	}
	return nil
}

// commitPart records a received blob as part n of an upload, replacing an earlier one.
func (e *Emulator) commitPart(uploadID string, n int, ref emukit.BlobRef) error {
	e.kit.Lock()
	defer e.kit.Unlock()
	u := e.st.Uploads[uploadID]
	if err := e.partAcceptableLocked(u, n); err != nil { // completed or changed meanwhile
		e.kit.RemoveBlob(ref.ID)
		return err
	}
	p := &emukit.Part{Number: n, Blob: ref, Modified: e.now()}
	if err := e.kit.SavePart(uploadID, p); err != nil {
		e.kit.RemoveBlob(ref.ID)
		return err
	}
	old := u.Parts[n]
	u.Parts[n] = p
	if old != nil {
		e.kit.RemoveBlob(old.Blob.ID) // an open upload's part belongs to it alone
	}
	e.kit.TrackUpload(uploadID, e.uploadPathLocked(u), u.partsSize())
	e.kit.CountStored(uploadID, ref.Size)
	return nil
}

func (e *Emulator) uploadPathLocked(u *upload) string {
	d := e.st.Drives[u.Drive]
	if d == nil {
		return "/" + u.Name
	}
	return d.folderPath(u.Parent) + "/" + u.Name
}
