package smhemu

import (
	"encoding/hex"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// beginRequest is what a begin call (simple PUT or POST ?multipart) asks for.
type beginRequest struct {
	multipart     bool
	strategy      string
	declared      int64 // -1: no size announced
	trafficLimit  int64
	beginningHash string
	fullHash      string
	meta          map[string]string
	uploadMeta
}

func parseBegin(c *call) (*beginRequest, error) {
	q := c.rt.query
	req := &beginRequest{multipart: c.rt.op == opBeginMultipart, declared: -1, meta: metaHeaders(c.r.Header)}
	var err error
	if req.strategy, err = parseStrategy(q.Get("conflict_resolution_strategy"), "rename", "ask", "rename", "overwrite"); err != nil {
		return nil, err
	}
	if q.Has("filesize") {
		if req.declared, err = strconv.ParseInt(q.Get("filesize"), 10, 64); err != nil || req.declared < 0 {
			return nil, ErrInvalidParameter.With("filesize must be a non-negative integer")
		}
	}
	if q.Has("traffic_limit") {
		if req.trafficLimit, err = strconv.ParseInt(q.Get("traffic_limit"), 10, 64); err != nil || req.trafficLimit <= 0 {
			return nil, ErrInvalidParameter.With("traffic_limit must be a positive integer")
		}
	}
	var body struct {
		unsupportedBody
		uploadMeta
		Size          flexSize `json:"size"`
		BeginningHash string   `json:"beginningHash"`
		FullHash      string   `json:"fullHash"`
	}
	if _, err := c.readJSON(&body, false); err != nil {
		return nil, err
	}
	if err := body.check(); err != nil {
		return nil, err
	}
	req.uploadMeta = body.uploadMeta
	if body.Size.set {
		if req.declared >= 0 && req.declared != body.Size.n {
			return nil, ErrInvalidParameter.With("filesize %d and body size %d differ", req.declared, body.Size.n)
		}
		req.declared = body.Size.n
	}
	if req.beginningHash, err = hexHash("beginningHash", body.BeginningHash); err != nil {
		return nil, err
	}
	if req.fullHash, err = hexHash("fullHash", body.FullHash); err != nil {
		return nil, err
	}
	switch {
	case req.fullHash != "" && req.beginningHash == "":
		return nil, ErrInvalidParameter.With("fullHash needs beginningHash")
	case req.beginningHash != "" && req.declared < 0:
		return nil, ErrInvalidParameter.With("beginningHash needs the file size")
	}
	return req, nil
}

func hexHash(name, s string) (string, error) {
	if s == "" {
		return "", nil
	}
	if b, err := hex.DecodeString(s); err != nil || len(b) != 32 {
		return "", ErrInvalidParameter.With("%s must be 64 hex digits (SHA-256)", name)
	}
	return strings.ToLower(s), nil
}

// metaHeaders collects x-smh-meta-* request headers (names lowercased).
func metaHeaders(h http.Header) map[string]string {
	var m map[string]string
	for k, v := range h {
		k = strings.ToLower(k)
		if strings.HasPrefix(k, "x-smh-meta-") && len(k) > len("x-smh-meta-") && len(v) > 0 {
			if m == nil {
				m = map[string]string{}
			}
			m[k] = v[0]
		}
	}
	return m
}

// begin serves PUT …/{path} (simple) and POST …/{path}?multipart. Answers: 200 upload
// info (no hash given); 201 upload info (hash given, no match); 202 {} (size and
// beginningHash match a stored file: send fullHash); 200 file object (fullHash matches
// too and the token may confirm: done, no bytes to send).
func (e *Emulator) begin(c *call) error {
	req, err := parseBegin(c)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		var (
			status int
			answer any
			need   []*fileData
		)
		err := e.kit.UpdateEntries(func() error {
			if attempt > 0 {
				e.kit.ChangedAll() // computeDigests filled in digests since
			}
			var err error
			status, answer, need, err = e.beginLocked(c, req, attempt >= 2)
			return err
		})
		if err != nil {
			return err
		}
		if len(need) > 0 {
			e.computeDigests(need) // outside the lock, then look again
			continue
		}
		return c.json(status, answer)
	}
}

// beginLocked does a begin with the state locked. When quick-upload candidates lack their full
// hash it returns them in need (unless inline, then it hashes them right here).
func (e *Emulator) beginLocked(c *call, req *beginRequest, inline bool) (int, any, []*fileData, error) {
	t, sp, err := e.authSpaceLocked(c)
	if err != nil {
		return 0, nil, nil, err
	}
	if err := t.require(grantsBegin, "begin upload"); err != nil {
		return 0, nil, nil, err
	}
	lib, p := e.libs[c.rt.lib], c.rt.path
	if err := checkFilePath(lib, sp, p); err != nil {
		return 0, nil, nil, err
	}
	if err := sp.requireParent(p); err != nil {
		return 0, nil, nil, err
	}
	if ex := sp.get(p); ex != nil {
		if err := checkOverwrite(ex, req.strategy, t.hasAny(grantsForce)); err != nil {
			return 0, nil, nil, err
		}
	}
	if lib.QuotaBytes > 0 && req.declared >= 0 && e.st.Libraries[lib.ID].usedBytes()+req.declared > lib.QuotaBytes {
		return 0, nil, nil, ErrQuotaLimitReached.With("%d bytes would exceed the quota of %d", req.declared, lib.QuotaBytes)
	}
	status := http.StatusOK
	if req.beginningHash != "" {
		status = http.StatusCreated
		cands := e.candidatesLocked(lib.ID, req.declared, req.beginningHash)
		switch {
		case len(cands) > 0 && req.fullHash == "":
			return http.StatusAccepted, struct{}{}, nil, nil
		case len(cands) > 0 && t.hasAny(grantsConfirm):
			var need []*fileData
			for _, fd := range cands {
				if fd.FullHash == "" {
					need = append(need, fd)
				}
			}
			if len(need) > 0 && !inline {
				return 0, nil, need, nil
			}
			for _, fd := range need {
				fd.FullHash, fd.SHA256, _ = e.digest(fd)
			}
			if len(need) > 0 {
				e.kit.ChangedAll() // the digests of files found anywhere in the library
			}
			for _, fd := range cands {
				if fd.FullHash == req.fullHash {
					obj, err := e.quickLocked(lib, sp, p, req, fd, t.hasAny(grantsForce))
					return http.StatusOK, obj, nil, err
				}
			}
		}
	}
	u := e.newUploadLocked(t, sp, c.rt.lib, p, req)
	return status, u.info(c.r.Host), nil, nil
}

// checkOverwrite applies a conflict strategy to an existing entry at the target path.
func checkOverwrite(ex *node, strategy string, mayOverwrite bool) error {
	switch {
	case strategy == "ask":
		return ErrSameNameExists
	case strategy == "overwrite" && ex.isDir():
		return ErrSameNameExists.With("a directory of that name exists")
	case strategy == "overwrite" && !mayOverwrite:
		return ErrNoPermission.With("overwriting needs upload_file_force or begin_upload_force")
	}
	return nil
}

// candidatesLocked lists the library's files of this size and beginningHash.
func (e *Emulator) candidatesLocked(lib string, size int64, beginning string) []*fileData {
	var out []*fileData
	for _, sp := range e.st.Libraries[lib].Spaces {
		for _, n := range sp.Nodes {
			if f := n.File; f != nil && f.Size == size && f.BeginningHash == beginning && !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// quickLocked completes a quick upload: a new file sharing the stored bytes of fd.
func (e *Emulator) quickLocked(lib Library, sp *space, p []string, req *beginRequest, fd *fileData, force bool) (fileObject, error) {
	ctype, _ := contentType(p[len(p)-1])
	nf := &fileData{
		Blobs: slices.Clone(fd.Blobs), Size: fd.Size, ETag: fd.ETag, CRC64: fd.CRC64, BeginningHash: fd.BeginningHash,
		FullHash: fd.FullHash, SHA256: fd.SHA256, ContentType: ctype, Meta: maps.Clone(req.meta),
		uploadMeta: req.uploadMeta,
	}
	final, err := e.placeLocked(lib, sp, p, req.strategy, force, nf)
	if err != nil {
		return fileObject{}, err
	}
	return newFileObject(final, sp.get(final)), nil
}

func (e *Emulator) newUploadLocked(t *token, sp *space, lib string, p []string, req *beginRequest) *upload {
	u := &upload{
		ConfirmKey: newConfirmKey(), Library: lib, Space: sp.ID, Path: slices.Clone(p), Multipart: req.multipart,
		Strategy: req.strategy, Force: t.hasAny(grantsForce), UserID: t.UserID, Declared: req.declared,
		Meta: req.meta, uploadMeta: req.uploadMeta, TrafficLimit: req.trafficLimit, Created: e.now(),
		ObjectKey: uploadKeyPrefix + lib + "/" + emukit.RandomHex(16), Parts: map[int]*part{},
	}
	if u.Multipart {
		u.UploadID = newUploadID()
	}
	u.Sig = e.signLocked(dataPrefix+u.ObjectKey, u.UploadID)
	e.st.Uploads[u.ConfirmKey] = u
	e.touchUploadLocked(u.ConfirmKey, u)
	e.st.objects[u.ObjectKey] = u.ConfirmKey
	e.kit.TrackUpload(u.ConfirmKey, "/"+pathKey(p), 0)
	return u
}
