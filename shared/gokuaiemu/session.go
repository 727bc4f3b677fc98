package gokuaiemu

import (
	"net/http"
	"time"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// upload is one announced file (create_file, state 0) and its session on the upload
// server. parts are the received byte ranges in order (saved by the kit as part files).
type upload struct {
	Session   string    `json:"session"` // handed out by upload_init
	OrgID     int64     `json:"orgId"`
	FullPath  string    `json:"fullPath"`
	Hash      string    `json:"hash"` // pathhash
	SHA1      string    `json:"sha1"`
	Size      int64     `json:"size"`
	Overwrite bool      `json:"overwrite,omitempty"`
	Actor     string    `json:"actor"`
	Expires   time.Time `json:"expires"`
	Opened    bool      `json:"opened,omitempty"`    // upload_init answered its session
	Assembled bool      `json:"assembled,omitempty"` // a finish answered 202: the next one completes
	Done      bool      `json:"done,omitempty"`      // finished: kept to answer a repeated finish
	parts     []*emukit.Part
}

func (u *upload) offset() int64 {
	var n int64
	for _, p := range u.parts {
		n += p.Blob.Size
	}
	return n
}

func (u *upload) blobs() []emukit.BlobRef {
	out := make([]emukit.BlobRef, len(u.parts))
	for i, p := range u.parts {
		out[i] = p.Blob
	}
	return out
}

// uploadFor finds the upload of a path hash in a library.
func (st *state) uploadFor(org int64, hash string) *upload {
	for _, u := range st.Uploads {
		if u.OrgID == org && u.Hash == hash {
			return u
		}
	}
	return nil
}

// dropUpload ends an upload and frees its received bytes (a finished one's live on in
// its file).
func (st *state) dropUpload(u *upload, drop dropper) {
	delete(st.Uploads, u.Session)
	if !u.Done {
		drop.Release(u.blobs()...)
	}
	drop.ReleaseParts(u.Session)
	u.parts = nil
}

func (e *Emulator) expired(u *upload) bool { return !e.now().Before(u.Expires) }

// sessionExpiry is when a session handed out now expires: the session lifetime, capped
// by the kit's ExpireUploadAfter.
func (e *Emulator) sessionExpiry() time.Time {
	d := e.opts.SessionLifetime
	if c := time.Duration(e.kit.Faults().ExpireUploadAfter); c > 0 && c < d {
		d = c
	}
	return e.now().Add(d)
}

// uploadServer is the address create_file answers: Options.UploadServer, else this
// emulator as the caller reached it.
func (e *Emulator) uploadServer(r *http.Request) string {
	if e.opts.UploadServer != "" {
		return e.opts.UploadServer
	}
	return "http://" + r.Host + UploadPrefix
}
