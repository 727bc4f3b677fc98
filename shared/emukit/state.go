package emukit

// Lock locks the provider's state, for reading it (changes go through Update).
func (k *Kit) Lock() { k.mu.Lock() }

// Unlock unlocks the provider's state.
func (k *Kit) Unlock() { k.mu.Unlock() }

// Update runs fn with the state locked and then persists it (with a data directory),
// so that whatever fn changed is on disk before the caller answers; only then are the
// blobs and part files fn released deleted. When saving fails, Update deletes nothing
// (an orphan, swept at the next start, beats a state that points at deleted bytes) and
// returns the error.
func (k *Kit) Update(fn func() error) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	err := fn()
	if serr := k.saveLocked(); serr != nil {
		k.log.Error("saving state", "err", serr)
		k.pendingBlobs, k.pendingParts = nil, nil
		if err == nil {
			err = serr
		}
		return err
	}
	k.collectLocked()
	return err
}

func (k *Kit) saveLocked() error {
	if k.disk == nil {
		return nil
	}
	return k.disk.saveState(k.p.State())
}

// Release notes, with the state locked, that blobs may no longer be needed. They are
// deleted after the next save, and only if the state no longer refers to them (files may
// share blobs).
func (k *Kit) Release(blobs ...BlobRef) {
	k.pendingBlobs = append(k.pendingBlobs, blobs...)
}

// ReleaseParts notes, with the state locked, that an upload is finished: its part files
// are deleted after the next save (its blobs go through Release, or live on in a file).
func (k *Kit) ReleaseParts(upload string) {
	k.pendingParts = append(k.pendingParts, upload)
}

// collectLocked deletes released blobs and part files. It runs after the state is saved,
// so a crash never leaves the state pointing at deleted bytes.
func (k *Kit) collectLocked() {
	if k.disk != nil {
		for _, u := range k.pendingParts {
			k.disk.removeParts(u)
		}
	}
	k.pendingParts = nil
	if len(k.pendingBlobs) == 0 {
		return
	}
	refs := k.referencedLocked()
	for _, b := range k.pendingBlobs {
		if !refs[b.ID] {
			k.store.remove(b.ID)
		}
	}
	k.pendingBlobs = nil
}

func (k *Kit) referencedLocked() map[string]bool {
	refs := map[string]bool{}
	k.p.Blobs(func(id string) { refs[id] = true })
	return refs
}

// SavePart saves a received part of an open upload (with a data directory), with the
// state locked; upload must be a ValidID. Without a data directory it does nothing.
func (k *Kit) SavePart(upload string, p *Part) error {
	if k.disk == nil {
		return nil
	}
	return k.disk.savePart(upload, p)
}

// Load reads the saved state into st, a pointer to the provider's fresh state (which
// stays as it is when nothing was saved), then calls loaded, with the state locked, to
// complete what state.json does not hold: the parts of each open upload (LoadParts).
// Last it deletes what a crash may have left behind: the part files of uploads whose parts
// loaded did not read, and blobs the state does not refer to. Without a data directory it
// does nothing.
func (k *Kit) Load(st any, loaded func() error) error {
	if k.disk == nil {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, err := k.disk.loadState(st); err != nil {
		return err
	}
	k.keptParts = map[string]bool{}
	defer func() { k.keptParts = nil }()
	if loaded != nil {
		if err := loaded(); err != nil {
			return err
		}
	}
	return k.disk.sweep(k.keptParts, k.store, k.referencedLocked())
}

// LoadParts reads the saved parts of an open upload, by number; called from Load's
// loaded. Without a data directory it finds none.
func (k *Kit) LoadParts(upload string) (map[int]*Part, error) {
	if k.disk == nil {
		return map[int]*Part{}, nil
	}
	if k.keptParts != nil {
		k.keptParts[upload] = true
	}
	return k.disk.loadParts(upload)
}
