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
func (k *Kit) Update(fn func() error) error { return k.update(false, fn) }

// UpdateEntries is Update for a fn that names every entry of the state it changes
// (Changed, or ChangedAll): a Journaled provider's change is then saved as one journal
// record instead of the whole state. Other providers get Update.
func (k *Kit) UpdateEntries(fn func() error) error { return k.update(true, fn) }

func (k *Kit) update(entries bool, fn func() error) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.entryMode = entries && k.journal != nil
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

// Changed notes, inside UpdateEntries' fn, that the entry key of a Journaled provider's
// state is now v (marshalled when fn returns; the last v named wins), or is deleted when v
// is nil. Elsewhere it does nothing: Update saves the whole state. A fn of UpdateEntries
// that names nothing changed nothing.
func (k *Kit) Changed(key string, v any) {
	if !k.entryMode {
		return
	}
	if k.changed == nil {
		k.changed = map[string]any{}
	}
	if _, ok := k.changed[key]; !ok {
		k.changedOrder = append(k.changedOrder, key)
	}
	k.changed[key] = v
}

// ChangedAll notes, inside UpdateEntries' fn, a change too wide to name: the whole state
// is saved, as by Update.
func (k *Kit) ChangedAll() { k.entryMode = false }

// saveLocked saves what the last fn changed (everything, without a journal).
func (k *Kit) saveLocked() error {
	order, vals, entries := k.changedOrder, k.changed, k.entryMode
	k.changedOrder, k.changed, k.entryMode = nil, nil, false
	if k.disk == nil {
		return nil
	}
	j := k.journal
	if j == nil {
		return k.disk.saveState(k.p.State())
	}
	if !entries || j.broken || j.records >= JournalLimit {
		return k.disk.compact(j, k.p.State())
	}
	if len(order) == 0 {
		return nil
	}
	changes, err := encodeChanges(order, vals)
	if err != nil {
		return err
	}
	return j.appendRecord(k.disk, changes)
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
	if jp, ok := k.p.(Journaled); ok {
		j, err := k.disk.replayJournal(jp)
		if err != nil {
			return err
		}
		k.journal = j
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
