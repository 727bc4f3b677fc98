package smhemu

// releaseLocked notes that blobs may no longer be needed. They are deleted after the next
// save, and only if no file or upload task refers to them any more (quick upload lets
// files share blobs).
func (e *Emulator) releaseLocked(blobs []blobRef) {
	e.pendingBlobs = append(e.pendingBlobs, blobs...)
}

// collectLocked deletes released blobs and the part files of finished tasks. It runs
// after the state is saved, so a crash never leaves the state pointing at deleted bytes.
func (e *Emulator) collectLocked() {
	if e.disk != nil {
		for _, ck := range e.pendingParts {
			e.disk.removeParts(ck)
		}
	}
	e.pendingParts = nil
	if len(e.pendingBlobs) == 0 {
		return
	}
	refs := referenced(e.st)
	for _, b := range e.pendingBlobs {
		if !refs[b.ID] {
			e.store.remove(b.ID)
		}
	}
	e.pendingBlobs = nil
}

// referenced is the set of blob ids some file or upload task needs.
func referenced(st *state) map[string]bool {
	refs := map[string]bool{}
	for _, l := range st.Libraries {
		for _, sp := range l.Spaces {
			for _, n := range sp.Nodes {
				if n.File != nil {
					for _, b := range n.File.Blobs {
						refs[b.ID] = true
					}
				}
			}
		}
	}
	for _, u := range st.Uploads {
		for _, p := range u.Parts {
			refs[p.Blob.ID] = true
		}
	}
	return refs
}
