package gokuaiemu

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"hash/crc32"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"

	"github.com/ferry-upload/ferry/shared/emukit"
	"github.com/ferry-upload/ferry/shared/gokuai"
	gkup "github.com/ferry-upload/ferry/shared/gokuai/wire"
)

// UploadPrefix is where the upload server lives; create_file names it as its server.
const UploadPrefix = "/m-upload"

// uploadRoute places a request on the upload server (the data plane).
func (e *Emulator) uploadRoute(r *http.Request, op string) (emukit.Route, error) {
	methods := map[string]string{"upload_init": "POST", "upload_req": "GET", "upload_part": "PUT",
		"upload_finish": "POST", "upload_abort": "POST"}
	serve := map[string]func(*emukit.Call) error{"upload_init": e.uploadInit, "upload_req": e.uploadReq,
		"upload_part": e.uploadPart, "upload_finish": e.uploadFinish, "upload_abort": e.uploadAbort}
	m, ok := methods[op]
	if !ok {
		return emukit.Route{NoFault: true}, emukit.ErrRouteNotFound
	}
	// Only the bytes are the data plane: the other calls are the control plane's, made by
	// whoever runs the control plane (the token function, brokered).
	plane := emukit.PlaneControl
	if op == "upload_part" {
		plane = emukit.PlaneData
	}
	rt := emukit.Route{Name: m + " " + UploadPrefix + "/" + op, Plane: plane, Serve: serve[op]}
	if s := r.Header.Get(gkup.HeaderSession); emukit.ValidID(s) {
		rt.Upload = s
	}
	if r.Method != m {
		return rt, emukit.ErrMethodNotAllowed
	}
	return rt, nil
}

// sessionLocked finds the open session a request names, with the state locked; an expired
// one is dropped.
func (e *Emulator) sessionLocked(kc *emukit.Call) (*upload, error) {
	u := e.st.Uploads[kc.Request().Header.Get(gkup.HeaderSession)]
	switch {
	case u == nil || !u.Opened:
		return nil, errSessionInvalid
	case e.expired(u):
		e.st.dropUpload(u, e.kit)
		return nil, errSessionInvalid.With("the upload session expired")
	}
	return u, nil
}

// uploadInit serves POST upload_init?org_client_id=…: the four x-gk-upload-* headers
// must match what create_file announced for that pathhash in the credential's library.
// 200 {"session"}; 202 when the file is complete already (finished, or its content is
// stored now: it is created as an instant upload would).
func (e *Emulator) uploadInit(kc *emukit.Call) error {
	r := kc.Request()
	h := r.Header
	name, err := url.QueryUnescape(h.Get(gkup.HeaderFileName))
	if err != nil || name == "" {
		return errInvalidParameter.With("%s is required (URL-encoded)", gkup.HeaderFileName)
	}
	size, err := strconv.ParseInt(h.Get(gkup.HeaderFileSize), 10, 64)
	if err != nil || size < 0 {
		return errInvalidParameter.With("%s must be a non-negative integer", gkup.HeaderFileSize)
	}
	var answer map[string]string
	complete := false
	err = e.kit.Update(func() error {
		b := e.st.Bindings[r.URL.Query().Get("org_client_id")]
		if b == nil {
			return errInvalidClient
		}
		u := e.st.uploadFor(b.OrgID, h.Get(gkup.HeaderPathHash))
		if u != nil && e.expired(u) {
			e.st.dropUpload(u, e.kit)
			u = nil
		}
		switch {
		case u == nil:
			return errUploadNotFound
		case u.SHA1 != h.Get(gkup.HeaderFileHash) || u.Size != size:
			return errInvalidParameter.With("filehash and filesize must be create_file's")
		case path.Base(u.FullPath) != name:
			return errInvalidParameter.With("%s must be the name of create_file's fullpath", gkup.HeaderFileName)
		case u.Done:
			complete = true
			return nil
		}
		l := e.st.Libraries[u.OrgID]
		if src := e.st.findContent(u.SHA1, u.Size); src != nil && l != nil {
			if err := l.checkTarget(u.FullPath, u.Overwrite); err != nil {
				return err
			}
			f := &file{FullPath: u.FullPath, SHA1: u.SHA1, SHA256: src.SHA256, Size: u.Size, Blobs: slices.Clone(src.Blobs)}
			e.putFile(l, f, u.Actor)
			e.st.record(&logRecord{OrgID: l.OrgID, Act: gokuai.ActCreate, ActName: "file/upload_init", Hash: f.Hash,
				FileHash: f.SHA1, FileSize: f.Size, FullPath: f.FullPath, Actor: u.Actor, Dateline: e.now().Unix()})
			e.st.dropUpload(u, e.kit)
			complete = true
			return nil
		}
		if !u.Opened {
			u.Opened, u.Expires = true, e.sessionExpiry()
		}
		e.kit.TrackUpload(u.Session, "/"+u.FullPath, u.offset())
		answer = map[string]string{"session": u.Session}
		return nil
	})
	if err != nil {
		return err
	}
	if complete {
		return kc.Empty(http.StatusAccepted)
	}
	return kc.JSON(http.StatusOK, answer)
}

// uploadReq serves GET upload_req: the bytes stored so far, as a plain integer.
func (e *Emulator) uploadReq(kc *emukit.Call) error {
	var n int64
	err := e.kit.Update(func() error {
		u, err := e.sessionLocked(kc)
		if err != nil {
			return err
		}
		n = u.offset()
		if u.Done {
			n = u.Size
		}
		return nil
	})
	if err != nil {
		return err
	}
	w := kc.Writer()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, strconv.FormatInt(n, 10))
	return nil
}

// uploadPart serves PUT upload_part: the bytes start-end, start being the session's
// offset (else 409 {"expect": offset}), Content-Length end-start+1, the CRC-32 checked
// when x-gk-upload-crc is given. 202 when the server holds the whole file already.
func (e *Emulator) uploadPart(kc *emukit.Call) error {
	h := kc.Request().Header
	var expect int64
	done := false
	var u *upload
	err := e.kit.Update(func() error { // Update: an expired session found is dropped
		var err error
		if u, err = e.sessionLocked(kc); err == nil {
			expect, done = u.offset(), u.Done || u.offset() == u.Size
		}
		return err
	})
	if err != nil {
		return err
	}
	if done {
		_, _ = io.Copy(io.Discard, io.LimitReader(kc.Body(), gkup.MaxPartSize+1))
		return kc.Empty(http.StatusAccepted)
	}
	start, end, ok := ParseRange(h.Get(gkup.HeaderRange))
	switch {
	case !ok:
		return errInvalidParameter.With("%s must be start-end (inclusive)", gkup.HeaderRange)
	case start != expect:
		return e.expect(kc, expect)
	case end >= u.Size: // u.Size never changes: reading it unlocked is safe
		return errInvalidParameter.With("the range ends past the file's %d bytes", u.Size)
	case end-start+1 > gkup.MaxPartSize:
		return errInvalidParameter.With("a part is at most %d bytes", gkup.MaxPartSize)
	case kc.Request().ContentLength != end-start+1:
		return errInvalidParameter.With("Content-Length must be the range's length")
	}
	var wantCRC uint64
	crcGiven := h.Get(gkup.HeaderCRC) != ""
	if crcGiven {
		if wantCRC, err = strconv.ParseUint(h.Get(gkup.HeaderCRC), 10, 32); err != nil {
			return errInvalidParameter.With("%s is the part's CRC-32, decimal", gkup.HeaderCRC)
		}
	}
	crc := crc32.NewIEEE()
	ref, err := e.kit.WriteBlob(io.TeeReader(kc.Body(), crc), end-start+1)
	if err != nil {
		return errInvalidParameter.With("the body is not the range's %d bytes", end-start+1)
	}
	if crcGiven && uint64(crc.Sum32()) != wantCRC {
		e.kit.RemoveBlob(ref.ID)
		return errChecksumMismatch
	}
	var racedTo int64 = -1
	err = e.kit.Update(func() error {
		u, err := e.sessionLocked(kc)
		if err != nil {
			return err
		}
		if u.Done || u.offset() != start { // another part landed meanwhile
			racedTo = u.offset()
			return nil
		}
		p := &emukit.Part{Number: len(u.parts) + 1, Blob: ref, Modified: e.now()}
		if err := e.kit.SavePart(u.Session, p); err != nil {
			return err
		}
		u.parts = append(u.parts, p)
		e.kit.TrackUpload(u.Session, "/"+u.FullPath, u.offset())
		e.kit.CountStored(u.Session, ref.Size)
		return nil
	})
	if err != nil || racedTo >= 0 {
		e.kit.RemoveBlob(ref.ID)
	}
	if err != nil {
		return err
	}
	if racedTo >= 0 {
		return e.expect(kc, racedTo)
	}
	return kc.Empty(http.StatusOK)
}

// expect answers 409 {"expect":"<offset>"} (the offset as a string, as the SDKs read it).
func (e *Emulator) expect(kc *emukit.Call, offset int64) error {
	_, _ = io.Copy(io.Discard, io.LimitReader(kc.Body(), gkup.MaxPartSize+1))
	return kc.JSON(http.StatusConflict, map[string]string{"expect": strconv.FormatInt(offset, 10)})
}

// uploadFinish serves POST upload_finish. With every byte received, the first finish
// answers 202 (assembling) and the next one assembles: the content's SHA-1 must be the
// announced filehash (else 400, the upload dropped), the path still free unless overwrite
// (else 409, dropped), the capacity kept (else 403, dropped); then the file is stored and
// 200 answers it. A finish of a finished upload answers the same 200 until it expires;
// one before every byte arrived is 409 {"expect"}.
func (e *Emulator) uploadFinish(kc *emukit.Call) error {
	var (
		u      *upload
		blobs  []emukit.BlobRef
		answer fileInfo
		status int
		expect int64 = -1
	)
	err := e.kit.Update(func() error {
		var err error
		if u, err = e.sessionLocked(kc); err != nil {
			return err
		}
		switch {
		case u.Done:
			status, answer = http.StatusOK, e.finishedInfo(u)
		case u.offset() < u.Size:
			expect = u.offset()
		case !u.Assembled:
			u.Assembled, status = true, http.StatusAccepted
		default:
			blobs = u.blobs()
		}
		return nil
	})
	switch {
	case err != nil:
		return err
	case expect >= 0:
		return e.expect(kc, expect)
	case status == http.StatusAccepted:
		return kc.Empty(status)
	case status == http.StatusOK:
		return kc.JSON(status, answer)
	}
	// Outside the lock: blobs are immutable; an abort meanwhile may have released them.
	sum1, sum256, err := e.digests(blobs)
	if err != nil {
		return errSessionInvalid.With("the upload ended while it was assembled")
	}
	err = e.kit.Update(func() error {
		cur, err := e.sessionLocked(kc)
		if err != nil {
			return err
		}
		if cur != u || u.Done {
			return errSessionInvalid.With("the session changed while it was assembled")
		}
		l := e.st.Libraries[u.OrgID]
		if l == nil {
			e.st.dropUpload(u, e.kit)
			return errLibraryNotFound
		}
		if sum1 != u.SHA1 {
			e.st.dropUpload(u, e.kit)
			return errFileHashMismatch
		}
		if err := l.checkTarget(u.FullPath, u.Overwrite); err != nil {
			e.st.dropUpload(u, e.kit)
			return err
		}
		if err := l.checkCapacity(u.FullPath, u.Size); err != nil {
			e.st.dropUpload(u, e.kit)
			return err
		}
		f := &file{FullPath: u.FullPath, SHA1: sum1, SHA256: sum256, Size: u.Size, Blobs: u.blobs()}
		e.putFile(l, f, u.Actor)
		e.st.record(&logRecord{OrgID: l.OrgID, Act: gokuai.ActCreate, ActName: "file/upload_finish", Hash: f.Hash,
			FileHash: f.SHA1, FileSize: f.Size, FullPath: f.FullPath, Actor: u.Actor, Dateline: e.now().Unix()})
		u.Done, u.parts = true, nil
		e.kit.ReleaseParts(u.Session) // the blobs live on in the file
		answer = f.info()
		return nil
	})
	if err != nil {
		return err
	}
	return kc.JSON(http.StatusOK, answer)
}

// finishedInfo describes a finished upload's file as it was stored.
func (e *Emulator) finishedInfo(u *upload) fileInfo {
	if l := e.st.Libraries[u.OrgID]; l != nil {
		if f := l.Files[u.FullPath]; f != nil && f.SHA1 == u.SHA1 {
			return f.info()
		}
	}
	return fileInfo{Hash: u.Hash, FullPath: u.FullPath, FileName: path.Base(u.FullPath), FileHash: u.SHA1, FileSize: u.Size}
}

// digests reads blobs through once for their SHA-1 and SHA-256.
func (e *Emulator) digests(blobs []emukit.BlobRef) (string, string, error) {
	content, err := e.kit.OpenContent(blobs)
	if err != nil {
		return "", "", err
	}
	defer content.Close()
	h1, h256 := sha1.New(), sha256.New()
	if _, err := io.Copy(io.MultiWriter(h1, h256), io.NewSectionReader(content, 0, content.Size())); err != nil {
		return "", "", err
	}
	return hex.EncodeToString(h1.Sum(nil)), hex.EncodeToString(h256.Sum(nil)), nil
}

// uploadAbort serves POST upload_abort: the session and its bytes are dropped (a
// finished upload's file stays).
func (e *Emulator) uploadAbort(kc *emukit.Call) error {
	err := e.kit.Update(func() error {
		u, err := e.sessionLocked(kc)
		if err != nil {
			return err
		}
		e.st.dropUpload(u, e.kit)
		return nil
	})
	if err != nil {
		return err
	}
	return kc.Empty(http.StatusOK)
}
