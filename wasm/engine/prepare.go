package engine

import (
	"context"
	"errors"
)

// prepare resolves the target path, checks the token's limits, takes the lock, hashes the
// first block (when a quick upload will be tried) and loads the checkpoint: resuming it
// (verified) or starting afresh.
func (t *Task) prepare(ctx context.Context) (*Result, error) {
	e := t.e
	t.setState(StateHashing)
	tok, err := e.token(ctx)
	if err != nil {
		return nil, err
	}
	drv, err := e.driverFor(tok)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	t.drv = drv
	t.mu.Unlock()
	var entry *Checkpoint
	if t.restoreID != "" {
		if entry, err = e.cfg.Checkpoints.Load(ctx, t.restoreID); err != nil {
			return nil, err
		}
		if entry == nil || !e.mine(entry, tok) {
			return nil, newError(CodeNotFound, "the restorable upload is gone")
		}
	}
	if err := checkLimits(tok.Limits, t.src); err != nil {
		return nil, err
	}
	var target, id string
	if entry != nil {
		target, id = entry.Path, entry.ID
	} else {
		if target, err = targetPath(tok.Limits.PathPrefix, t.opts.Path, t.src.Name()); err != nil {
			return nil, err
		}
		id = checkpointID(tok.LibraryID, tok.SpaceID, target, t.src.Name(), t.src.Size(), t.src.LastModified())
	}
	t.mu.Lock()
	t.path = target
	t.mu.Unlock()
	if err := t.takeLock(ctx, id); err != nil {
		return nil, err
	}
	// The beginning hash is read only when a quick upload will be tried: it costs a read
	// and a digest, a small file's largest fixed cost after its requests.
	scheme, bh := hashSchemeOf(tok), ""
	if !e.opts.DisableQuickUpload && t.src.Size() >= QuickUploadMinSize && drv.MayQuickUpload(tok) {
		if bh, err = t.beginningHash(ctx, scheme); err != nil {
			return nil, err
		}
	}
	stored := entry
	if stored == nil {
		if stored, err = e.cfg.Checkpoints.Load(ctx, id); err != nil {
			return nil, err
		}
	}
	if stored != nil && (stored.Driver != drv.Name() || stored.Name != t.src.Name() ||
		stored.Size != t.src.Size() || stored.LastModified != t.src.LastModified()) {
		if entry != nil {
			return nil, newError(CodeFileChanged, "%q is not the file that was being uploaded", t.src.Name())
		}
		stored = nil // not ours to resume; overwritten below
	}
	if stored != nil && stored.Session != nil {
		res, err := t.resumeFrom(ctx, stored, bh)
		if !errors.Is(err, ErrSessionGone) {
			return res, err
		}
		// Its handle may only have been refused (an expired ticket): cancel, best effort.
		_ = t.call(ctx, func(tok *Token) error { return drv.Abort(ctx, tok, stored.Session) })
		t.setState(StateHashing)
	}
	p := makePlan(t.src.Size(), e.opts)
	cp := &Checkpoint{V: CheckpointVersion, ID: id, Driver: drv.Name(), Library: tok.LibraryID,
		Space: tok.SpaceID, UserID: tok.UserID, Path: target, Name: t.src.Name(), Size: t.src.Size(),
		LastModified: t.src.LastModified(), BeginningHash: bh, HashScheme: scheme, Options: t.opts, PartSize: p.partSize}
	if stored != nil && stored.Session == nil && stored.BeginningHash == bh && stored.HashScheme == scheme {
		cp.Chain, cp.SHA1, cp.SHA1CRC64 = stored.Chain, stored.SHA1, stored.SHA1CRC64 // hashing goes on where it stopped
	}
	t.mu.Lock()
	t.cp, t.plan, t.sess = cp, p, nil
	t.crcs, t.acked = map[int]uint64{}, map[int]bool{}
	t.hashedCRCOK = false
	t.prog.acked, t.prog.inflight = 0, nil
	t.persisted = stored != nil || t.persisted
	t.version++
	t.mu.Unlock()
	return nil, nil
}
func (t *Task) takeLock(ctx context.Context, id string) error {
	name := lockName(id)
	t.mu.Lock()
	held := t.lock == name
	t.mu.Unlock()
	if held {
		return nil
	}
	t.releaseLock()
	unlock, err := t.e.lock(ctx, name)
	if err != nil {
		if errors.Is(err, ErrBusy) {
			return newError(CodeBusy, "this file is already being uploaded to this path (in this or another tab)")
		}
		return err
	}
	t.mu.Lock()
	t.lock, t.unlock = name, unlock
	t.mu.Unlock()
	return nil
}
