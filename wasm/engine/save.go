package engine

import "context"

// saveCheckpoint writes the checkpoint when it holds something worth resuming (a session,
// or a full hash under way) and changed; unless forced, at most every CheckpointEvery.
// A simple upload's session is kept too: a reload during its body would otherwise leave its
// task open on the server for good. Failures to write are ignored: they cost a resume,
// never the upload.
func (t *Task) saveCheckpoint(ctx context.Context, force bool) {
	now := t.e.cfg.Clock.Now()
	t.mu.Lock()
	cp := t.cp
	if cp == nil || (cp.Chain == nil && cp.SHA1 == "" && cp.Session == nil) || t.version == t.saved ||
		(!force && now.Sub(t.lastSave) < t.e.opts.CheckpointEvery) {
		t.mu.Unlock()
		return
	}
	t.lastSave = now
	v := t.version
	cp.Updated = now.UnixMilli()
	snap := *cp
	snap.Parts = append([]PartRecord(nil), cp.Parts...)
	t.mu.Unlock()

	t.saveMu.Lock()
	defer t.saveMu.Unlock()
	t.mu.Lock()
	stale := v <= t.saved
	t.mu.Unlock()
	if stale {
		return
	}
	if err := t.e.cfg.Checkpoints.Save(ctx, &snap); err == nil {
		t.mu.Lock()
		t.saved = max(t.saved, v)
		t.persisted = true
		t.mu.Unlock()
	}
}

// dropCheckpoint deletes the task's checkpoint, if one was ever stored.
func (t *Task) dropCheckpoint(ctx context.Context) {
	t.saveMu.Lock()
	defer t.saveMu.Unlock()
	t.mu.Lock()
	cp, persisted := t.cp, t.persisted
	id := t.restoreID
	if cp != nil {
		id = cp.ID
	}
	t.mu.Unlock()
	if id != "" && (persisted || t.restoreID != "") {
		_ = t.e.cfg.Checkpoints.Delete(ctx, id)
	}
}
