package pdsemu

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"
)

// Go-side helpers: tests arrange and inspect the emulator with these, without HTTP. They
// mirror the test-control API.

// FileInfo is a stored file as GET /_emulator/files?library={drive_id} lists it.
type FileInfo struct {
	Path        string `json:"path"` // "/folder/name.ext"
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"` // lowercase hex of the whole content
	FileID      string `json:"fileId"`
	ContentHash string `json:"contentHash"` // SHA-1, uppercase hex
	CRC64       string `json:"crc64"`       // CRC-64/XZ, decimal
}

// Files lists the stored files (not folders) of a drive, by path.
func (e *Emulator) Files(driveID string) ([]FileInfo, error) {
	e.kit.Lock()
	defer e.kit.Unlock()
	d := e.st.Drives[driveID]
	if d == nil {
		return nil, ErrDriveNotFound.With("no drive %q", driveID)
	}
	out := []FileInfo{}
	for _, f := range d.Files {
		if f.Type == typeFile {
			out = append(out, FileInfo{Path: d.path(f), Size: f.Size, SHA256: f.SHA256, FileID: f.ID,
				ContentHash: f.SHA1, CRC64: uitoa(f.CRC64)})
		}
	}
	slices.SortFunc(out, func(a, b FileInfo) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.FileID, b.FileID))
	})
	return out, nil
}

// UploadInfo is an open upload as GET /_emulator/uploads?library={drive_id} lists it.
type UploadInfo struct {
	Path      string    `json:"path"` // the target path, "/folder/name.ext"
	Size      int64     `json:"size"` // bytes received and kept
	UploadID  string    `json:"uploadId"`
	FileID    string    `json:"fileId"`
	FileSize  int64     `json:"fileSize"` // announced at create
	PartCount int       `json:"partCount"`
	Parts     []int     `json:"parts"` // numbers of the parts received
	Parallel  bool      `json:"parallel"`
	Created   time.Time `json:"created"`
}

// OpenUploads lists the open uploads of a drive, oldest first.
func (e *Emulator) OpenUploads(driveID string) ([]UploadInfo, error) {
	e.kit.Lock()
	defer e.kit.Unlock()
	if e.st.Drives[driveID] == nil {
		return nil, ErrDriveNotFound.With("no drive %q", driveID)
	}
	out := []UploadInfo{}
	for _, u := range e.st.Uploads {
		if u.Drive == driveID {
			out = append(out, UploadInfo{Path: e.uploadPathLocked(u), Size: u.partsSize(), UploadID: u.ID, FileID: u.FileID,
				FileSize: u.Size, PartCount: u.PartCount, Parts: slices.Sorted(maps.Keys(u.Parts)), Parallel: u.Parallel,
				Created: u.Created})
		}
	}
	slices.SortFunc(out, func(a, b UploadInfo) int {
		return cmp.Or(a.Created.Compare(b.Created), strings.Compare(a.UploadID, b.UploadID))
	})
	return out, nil
}

// DefaultDrive returns the default drive of a user ("" when there is no such user).
func (e *Emulator) DefaultDrive(userID string) string {
	e.kit.Lock()
	defer e.kit.Unlock()
	if u := e.st.Users[userID]; u != nil {
		return u.Drive
	}
	return ""
}

// CreateUser creates a user and its default drive (as auto_create does) and returns the
// drive id.
func (e *Emulator) CreateUser(userID string) (string, error) {
	if !validUserID(userID) {
		return "", ErrInvalidParameter.With("a user id is 1-128 bytes without spaces, control characters or '/'")
	}
	var drive string
	err := e.kit.Update(func() error { drive = e.ensureUserLocked(userID).Drive; return nil })
	return drive, err
}

// Stats returns the request, fault and data-plane counters (uploads keyed by upload_id).
func (e *Emulator) Stats() Stats { return e.kit.Stats() }

// SetFaults replaces the fault configuration (the zero value clears it).
func (e *Emulator) SetFaults(cfg FaultConfig) error { return e.kit.SetFaults(cfg) }

// ExpireNow makes every access token (tokens) and every presigned part URL (uploads)
// issued so far expire now; refresh tokens live on, and uploads stay open (get_upload_url
// gives new URLs). It returns how many tokens and open uploads it expired.
func (e *Emulator) ExpireNow(tokens, uploads bool) (expiredTokens, expiredUploads int, err error) {
	err = e.kit.Update(func() error {
		now := e.now()
		if tokens {
			for _, t := range e.st.Tokens {
				if now.Before(t.Expiry) {
					t.Expiry = now
					expiredTokens++
				}
			}
		}
		if uploads {
			e.st.URLExpiredThrough = e.st.URLSerial
			expiredUploads = len(e.st.Uploads)
		}
		return nil
	})
	return expiredTokens, expiredUploads, err
}

// Reset drops all state (users, drives, files, uploads, tokens, codes), faults and stats.
func (e *Emulator) Reset() error { return e.kit.Reset() }

// resetLocked drops the PDS state (the kit has cleared faults and stats and saves it).
// The signing key and URL serial stay, so URLs issued before the reset stay refused.
func (e *Emulator) resetLocked() error {
	old := e.st
	for _, d := range old.Drives {
		for _, f := range d.Files {
			e.kit.Release(f.Blobs...)
		}
	}
	for id, u := range old.Uploads {
		e.kit.ReleaseParts(id)
		for _, p := range u.Parts {
			e.kit.Release(p.Blob)
		}
	}
	e.st = &state{SignKey: old.SignKey, URLSerial: old.URLSerial, URLExpiredThrough: old.URLSerial}
	e.st.fill()
	return nil
}
