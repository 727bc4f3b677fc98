package engine

import (
	"context"
	"encoding/hex"
	"errors"
	"time"
)

// run works for the task until it is stored, paused, failed or canceled, then frees its
// file slot.
func (t *Task) run(ctx context.Context) {
	res, err := t.work(ctx)
	t.finish(ctx, res, err)
	t.e.release()
}

// work is one run of the flow; it picks up wherever the last run stopped.
func (t *Task) work(ctx context.Context) (*Result, error) {
	t.mu.Lock()
	prepared, sess := t.cp != nil, t.sess
	cpID := ""
	if prepared {
		cpID = t.cp.ID
	}
	t.mu.Unlock()
	if prepared {
		// A failed task let its lock go; it must own the upload again.
		if err := t.takeLock(ctx, cpID); err != nil {
			return nil, err
		}
	}
	switch {
	case !prepared:
		if res, err := t.prepare(ctx); err != nil || res != nil {
			return res, err
		}
	case sess != nil:
		t.setState(StateBeginning)
		if res, err := t.reattach(ctx); err != nil || res != nil {
			return res, err
		}
	}
	t.mu.Lock()
	sess = t.sess
	t.mu.Unlock()
	if sess == nil {
		if res, err := t.begin(ctx); err != nil || res != nil {
			return res, err
		}
	}
	t.setState(StateUploading)
	if err := t.sendParts(ctx); err != nil {
		return nil, err
	}
	t.setState(StateConfirming)
	return t.confirm(ctx)
}

// finish settles the task after a run: done or rapid (the checkpoint goes), canceled (the
// server task and the checkpoint go), paused or failed (the checkpoint is written).
func (t *Task) finish(ctx context.Context, res *Result, err error) {
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	t.mu.Lock()
	intent := t.intent
	t.mu.Unlock()
	if err == nil && res == nil {
		err = newError(CodeInternal, "the upload ended with no result")
	}
	var final State
	var ferr *Error
	switch {
	case err == nil:
		t.dropCheckpoint(bg)
		t.releaseLock()
		final = StateDone
		if res.Rapid {
			final = StateRapid
		}
	case intent == StateCanceled:
		t.abort(bg)
		t.dropCheckpoint(bg)
		t.releaseLock()
		final = StateCanceled
	case intent == StatePaused || intent == StateQueued:
		t.saveCheckpoint(bg, true)
		final = StatePaused
	default:
		// A failed task keeps its checkpoint (Retry, or a restore elsewhere) but lets the
		// lock go: the same file may be uploaded again, here or in another tab.
		t.saveCheckpoint(bg, true)
		t.releaseLock()
		final, ferr = StateFailed, AsError(err)
	}
	t.mu.Lock()
	if res != nil && err == nil {
		t.result = res
		t.path = res.Path
	}
	t.err = ferr
	t.intent = ""
	t.running, t.cancel = false, nil
	t.setStateLocked(final)
	t.mu.Unlock()
	t.e.emit(t, EventState, nil)
	switch final {
	case StateDone, StateRapid:
		t.e.emit(t, EventComplete, res)
	case StateFailed:
		t.e.emit(t, EventError, nil)
	case StatePaused:
		if intent == StateQueued {
			_ = t.Resume()
		}
	}
}

// prepare resolves the target path, checks the token's limits, hashes the first block, takes
// the lock and loads the checkpoint: resuming it (verified) or starting afresh.
func (t *Task) prepare(ctx context.Context) (*Result, error) {
	e := t.e
	t.setState(StateHashing)
	tok, err := e.token(ctx)
	if err != nil {
		return nil, err
	}
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
	bh, err := t.beginningHash(ctx)
	if err != nil {
		return nil, err
	}
	stored := entry
	if stored == nil {
		if stored, err = e.cfg.Checkpoints.Load(ctx, id); err != nil {
			return nil, err
		}
	}
	if stored != nil && (stored.Driver != e.cfg.Driver.Name() || stored.Name != t.src.Name() ||
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
		t.setState(StateHashing)
	}
	p := makePlan(t.src.Size(), e.opts)
	cp := &Checkpoint{V: CheckpointVersion, ID: id, Driver: e.cfg.Driver.Name(), Library: tok.LibraryID,
		Space: tok.SpaceID, UserID: tok.UserID, Path: target, Name: t.src.Name(), Size: t.src.Size(),
		LastModified: t.src.LastModified(), BeginningHash: bh, Options: t.opts, PartSize: p.partSize}
	if stored != nil && stored.Session == nil && stored.Chain != nil && stored.BeginningHash == bh {
		cp.Chain = stored.Chain // hashing goes on where it stopped
	}
	t.mu.Lock()
	t.cp, t.plan, t.sess = cp, p, nil
	t.crcs, t.acked = map[int]uint64{}, map[int]bool{}
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
	unlock, err := t.e.cfg.Locker.TryLock(ctx, name)
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

// beginningHash is SMH's beginningHash: SHA-256 of the first block (of nothing for an empty
// file).
func (t *Task) beginningHash(ctx context.Context) (string, error) {
	buf, err := t.e.blocks.get(ctx, BlockSize)
	if err != nil {
		return "", err
	}
	defer t.e.blocks.put(buf)
	d, err := t.hashBlock(ctx, 0, min(t.src.Size(), BlockSize), nil, buf)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(d[:]), nil
}

// hashBlock hashes one block, retrying read failures like network errors.
func (t *Task) hashBlock(ctx context.Context, off, n int64, prefix, buf []byte) ([32]byte, error) {
	var a attempts
	for {
		d, err := t.e.cfg.Hasher.HashBlock(ctx, t.src, off, n, prefix, buf)
		if err == nil {
			return d, nil
		}
		var re *readError
		if ctx.Err() == nil && !errors.As(err, &re) {
			err = &readError{Err: err}
		}
		if err := t.e.recover(ctx, err, &a, nil, nil); err != nil {
			return d, err
		}
	}
}

// fullHashOf computes SMH's chained full hash (state hashing), continuing from the
// checkpointed chain state and checkpointing it as it goes.
func (t *Task) fullHashOf(ctx context.Context) (string, error) {
	t.mu.Lock()
	if t.fullHash != "" {
		h := t.fullHash
		t.mu.Unlock()
		return h, nil
	}
	var ch chain
	if st := t.cp.Chain; st != nil {
		if c, err := restoreChain(*st); err == nil {
			ch = c
		}
	}
	t.mu.Unlock()
	t.setState(StateHashing)
	buf, err := t.e.blocks.get(ctx, BlockSize)
	if err != nil {
		return "", err
	}
	defer t.e.blocks.put(buf)
	size := t.src.Size()
	blocks := max(1, (size+BlockSize-1)/BlockSize)
	for k := ch.blocks; k < blocks; k++ {
		off := k * BlockSize
		d, err := t.hashBlock(ctx, off, min(BlockSize, size-off), ch.prefix(), buf)
		if err != nil {
			t.keepChain(ch)
			return "", err
		}
		ch.advance(d)
		if k%16 == 15 {
			t.keepChain(ch)
			t.saveCheckpoint(ctx, false)
		}
	}
	t.keepChain(ch)
	t.saveCheckpoint(ctx, true)
	full := ch.fullHash()
	t.mu.Lock()
	t.fullHash = full
	t.mu.Unlock()
	t.setState(StateBeginning)
	return full, nil
}

func (t *Task) keepChain(c chain) {
	st := c.state()
	t.mu.Lock()
	t.cp.Chain = &st
	t.version++
	t.mu.Unlock()
}

// begin asks the driver for an upload task, with quick upload when it applies.
func (t *Task) begin(ctx context.Context) (*Result, error) {
	e := t.e
	t.setState(StateBeginning)
	t.mu.Lock()
	cp, p := t.cp, t.plan
	t.mu.Unlock()
	spec := &FileSpec{Path: cp.Path, Size: t.src.Size(), Multipart: p.multipart, Conflict: t.opts.Conflict,
		Labels: t.opts.Labels, Meta: metaKeys(t.opts.Meta)}
	var quick *QuickHashes
	if !e.opts.DisableQuickUpload && t.src.Size() >= QuickUploadMinSize {
		quick = &QuickHashes{Beginning: cp.BeginningHash, Full: t.fullHashOf}
	}
	var sess *Session
	var res *Result
	err := e.call(ctx, func(tok *Token) error {
		var err error
		sess, res, err = e.cfg.Driver.Begin(ctx, tok, spec, quick)
		return err
	})
	if err != nil || res != nil {
		return res, err
	}
	t.mu.Lock()
	t.sess = sess
	t.sessGen++
	cp.Session, cp.Chain, cp.PartSize = sess, nil, p.partSize
	t.version++
	t.mu.Unlock()
	t.saveCheckpoint(ctx, true)
	return nil, nil
}

// reattach, after a pause or a failure, checks the server task is still there and still
// holds the parts this run acknowledged (they are not read again: they were sent by this
// very task). A task gone from the server starts afresh.
func (t *Task) reattach(ctx context.Context) (*Result, error) {
	t.mu.Lock()
	sess, p := t.sess, t.plan
	t.mu.Unlock()
	var remote []RemotePart
	var res *Result
	err := t.e.call(ctx, func(tok *Token) error {
		var err error
		remote, res, err = t.e.cfg.Driver.Parts(ctx, tok, sess)
		return err
	})
	if errors.Is(err, ErrSessionGone) {
		t.forgetSession()
		return nil, nil
	}
	if err != nil || res != nil {
		return res, err
	}
	if !p.multipart {
		return nil, nil
	}
	have := map[int]int64{}
	for _, r := range remote {
		have[r.N] = r.Size
	}
	t.mu.Lock()
	kept := t.cp.Parts[:0]
	for _, r := range t.cp.Parts {
		if have[r.N] == r.Size {
			kept = append(kept, r)
			continue
		}
		delete(t.acked, r.N)
		delete(t.crcs, r.N)
		t.prog.acked -= r.Size
	}
	t.cp.Parts = kept
	t.version++
	t.mu.Unlock()
	return nil, nil
}

func (t *Task) forgetSession() {
	t.mu.Lock()
	t.sess = nil
	t.cp.Session, t.cp.Parts = nil, nil
	t.crcs, t.acked = map[int]uint64{}, map[int]bool{}
	t.prog.acked, t.prog.inflight = 0, nil
	t.version++
	t.mu.Unlock()
}

// confirm completes the upload with the whole file's CRC-64, combined from the parts'.
func (t *Task) confirm(ctx context.Context) (*Result, error) {
	t.mu.Lock()
	crc := t.wholeCRCLocked()
	t.mu.Unlock()
	var res *Result
	err := t.e.call(ctx, func(tok *Token) error {
		t.mu.Lock()
		sess := t.sess
		t.mu.Unlock()
		var err error
		res, err = t.e.cfg.Driver.Complete(ctx, tok, sess, crc)
		return err
	})
	return res, err
}

func (t *Task) wholeCRCLocked() uint64 {
	var crc uint64
	for n := t.plan.first(); n <= t.plan.last(); n++ {
		_, size := t.plan.span(n)
		if n == t.plan.first() {
			crc = t.crcs[n]
			continue
		}
		crc = crc64Combine(crc, t.crcs[n], size)
	}
	return crc
}

// abort deletes the server task of a canceled upload (best effort).
func (t *Task) abort(ctx context.Context) {
	t.mu.Lock()
	sess, restoreID := t.sess, t.restoreID
	t.mu.Unlock()
	if sess == nil && restoreID != "" {
		// Canceled before it ran: the entry's own server task.
		if cp, err := t.e.cfg.Checkpoints.Load(ctx, restoreID); err == nil && cp != nil {
			sess = cp.Session
		}
	}
	if sess == nil {
		return
	}
	_ = t.e.call(ctx, func(tok *Token) error { return t.e.cfg.Driver.Abort(ctx, tok, sess) })
}

// saveCheckpoint writes the checkpoint when it holds something worth resuming (a multipart
// session, or a chained hash under way) and changed; unless forced, at most every
// CheckpointEvery. Failures to write are ignored: they cost a resume, never the upload.
func (t *Task) saveCheckpoint(ctx context.Context, force bool) {
	now := t.e.cfg.Clock.Now()
	t.mu.Lock()
	cp := t.cp
	if cp == nil || !(cp.Chain != nil || (cp.Session != nil && cp.Session.Multipart)) || t.version == t.saved ||
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
