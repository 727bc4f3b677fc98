package smhemu

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"
)

// Go-side helpers: tests arrange and inspect the emulator's state with these, without
// HTTP. They mirror the test-control API.

// FileInfo is a confirmed file as GET /_emulator/files lists it.
type FileInfo struct {
	Space  string `json:"space"`
	Path   string `json:"path"` // "/dir/name.ext"
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // lowercase hex of the whole content
	CRC64  string `json:"crc64"`  // CRC-64/XZ, decimal
}

// Files lists the confirmed files of a library, of one space or (spaceID "") of all,
// ordered by space and path.
func (e *Emulator) Files(library, spaceID string) ([]FileInfo, error) {
	type item struct {
		space, path string
		fd          *fileData
	}
	var items []item
	var need []*fileData
	e.kit.Lock()
	spaces, err := e.spacesLocked(library, spaceID)
	for _, sp := range spaces {
		for k, n := range sp.Nodes {
			if n.File != nil {
				items = append(items, item{sp.ID, "/" + k, n.File})
				if n.File.SHA256 == "" {
					need = append(need, n.File)
				}
			}
		}
	}
	e.kit.Unlock()
	if err != nil {
		return nil, err
	}
	e.computeDigests(need)
	e.kit.Lock()
	defer e.kit.Unlock()
	out := make([]FileInfo, 0, len(items))
	for _, it := range items {
		out = append(out, FileInfo{Space: it.space, Path: it.path, Size: it.fd.Size, SHA256: it.fd.SHA256, CRC64: crcString(it.fd.CRC64)})
	}
	slices.SortFunc(out, func(a, b FileInfo) int {
		return cmp.Or(strings.Compare(a.Space, b.Space), strings.Compare(a.Path, b.Path))
	})
	return out, nil
}

func (e *Emulator) spacesLocked(library, spaceID string) ([]*space, error) {
	l := e.st.Libraries[library]
	if l == nil {
		return nil, ErrLibraryNotFound.With("no library %q", library)
	}
	if spaceID == "" {
		return slices.Collect(maps.Values(l.Spaces)), nil
	}
	sp := l.Spaces[spaceID]
	if sp == nil {
		return nil, ErrSpaceNotFound.With("no space %q in library %q", spaceID, library)
	}
	return []*space{sp}, nil
}

// UploadInfo is an open upload task as GET /_emulator/uploads lists it.
type UploadInfo struct {
	ConfirmKey   string    `json:"confirmKey"`
	Library      string    `json:"library"`
	Space        string    `json:"space"`
	Path         string    `json:"path"` // the target path given at begin, "/dir/name.ext"
	Multipart    bool      `json:"multipart"`
	UploadID     string    `json:"uploadId,omitempty"`
	Parts        []int     `json:"parts"` // numbers of the parts received (1 for a simple upload's body)
	Size         int64     `json:"size"`  // bytes received and kept
	DeclaredSize *int64    `json:"declaredSize,omitempty"`
	CreationTime time.Time `json:"creationTime"`
	Expiration   time.Time `json:"expiration"` // of the current data-plane signature
}

// OpenUploads lists the open (unconfirmed, uncanceled) upload tasks of a library, of one
// space or (spaceID "") of all, oldest first.
func (e *Emulator) OpenUploads(library, spaceID string) ([]UploadInfo, error) {
	e.kit.Lock()
	defer e.kit.Unlock()
	if _, err := e.spacesLocked(library, spaceID); err != nil {
		return nil, err
	}
	out := []UploadInfo{}
	for _, u := range e.st.Uploads {
		if u.Library != library || spaceID != "" && u.Space != spaceID {
			continue
		}
		ui := UploadInfo{ConfirmKey: u.ConfirmKey, Library: u.Library, Space: u.Space, Path: "/" + pathKey(u.Path),
			Multipart: u.Multipart, UploadID: u.UploadID, Parts: slices.Sorted(maps.Keys(u.Parts)), Size: u.partsSize(),
			CreationTime: u.Created, Expiration: u.Sig.End}
		if u.Declared >= 0 {
			d := u.Declared
			ui.DeclaredSize = &d
		}
		out = append(out, ui)
	}
	slices.SortFunc(out, func(a, b UploadInfo) int {
		return cmp.Or(a.CreationTime.Compare(b.CreationTime), strings.Compare(a.ConfirmKey, b.ConfirmKey))
	})
	return out, nil
}

// Stats returns the request, fault and data-plane counters. A request is counted before
// its client can see any of its answer (or its connection dropped), so a client that saw
// an answer finds it in the stats.
func (e *Emulator) Stats() Stats { return e.kit.Stats() }

// SetFaults replaces the fault configuration (the zero value clears it) and restarts
// the fault streams from its seed.
func (e *Emulator) SetFaults(cfg FaultConfig) error { return e.kit.SetFaults(cfg) }

// Faults returns the fault configuration in force.
func (e *Emulator) Faults() FaultConfig { return e.kit.Faults() }

// ExpireNow makes every token (tokens) and every data-plane signature (uploads) issued
// so far expire now. Upload tasks stay open: renew them for new signatures. It returns
// how many tokens and open upload tasks it expired.
func (e *Emulator) ExpireNow(tokens, uploads bool) (expiredTokens, expiredUploads int, err error) {
	err = e.kit.Update(func() error {
		now := e.now()
		if tokens {
			for _, t := range e.st.Tokens {
				if now.Before(t.Expiry) {
					t.Expiry, t.HardExpiry = now, now
					expiredTokens++
				}
			}
		}
		if uploads {
			e.st.SigExpiredThrough = e.st.SigSerial
			expiredUploads = len(e.st.Uploads)
		}
		return nil
	})
	return expiredTokens, expiredUploads, err
}

// Reset drops all state: files, upload tasks, tokens, spaces created at run time,
// faults and stats. Configured libraries and spaces remain, empty.
func (e *Emulator) Reset() error { return e.kit.Reset() }

// resetLocked drops the SMH state (the kit has cleared faults and stats and saves it).
func (e *Emulator) resetLocked() error {
	old := e.st
	for _, l := range old.Libraries {
		for _, sp := range l.Spaces {
			e.kit.Release(sp.removeTreeAll()...)
		}
	}
	for _, u := range old.Uploads {
		e.dropTaskLocked(u)
		for _, p := range u.Parts {
			e.kit.Release(p.Blob)
		}
	}
	e.st = &state{SignKey: old.SignKey, SigSerial: old.SigSerial, SigExpiredThrough: old.SigSerial,
		Tokens: map[string]*token{}, Libraries: map[string]*libState{}, Uploads: map[string]*upload{}, objects: map[string]string{}}
	e.ensureSpaces()
	return nil
}
