package engine

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/shared/smh"
)

// run works for the task until it is stored, paused, failed or canceled, then frees its
// file slot.
func (t *Task) run(ctx context.Context) {
	res, err := t.work(ctx)
	if err == nil && res != nil && res.CRC64 == "" {
		t.fillCRC64(ctx, res)
	}
	tail := t.finish(ctx, res, err)
	t.e.release()
	if tail != nil {
		tail()
	}
}

// work is one run of the flow; it picks up wherever the last run stopped. A server task
// found gone (expired, canceled elsewhere, its ticket refused; after a lost complete
// answer, completing again found nothing stored) begins afresh; an upload mode changed by
// the token function (a policy change) prepares the upload again, in the new mode.
func (t *Task) work(ctx context.Context) (*Result, error) {
	for restarts := 0; ; restarts++ {
		res, err := t.flow(ctx)
		switch {
		case restarts >= maxRestarts || ctx.Err() != nil:
			return res, err
		case errors.Is(err, ErrSessionGone):
			t.forgetSession(ctx)
		case Code(err) == CodeModeChanged:
			t.mu.Lock()
			t.cp, t.sess, t.drv, t.lost = nil, nil, nil, false
			t.mu.Unlock()
		default:
			return res, err
		}
		t.setState(StateBeginning)
	}
}

// maxRestarts bounds how often one run starts over.
const maxRestarts = 2

func (t *Task) flow(ctx context.Context) (*Result, error) {
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
	if err := t.sendParts(ctx, false); err != nil {
		return nil, err
	}
	t.setState(StateConfirming)
	res, err := t.confirm(ctx)
	t.mu.Lock()
	appendOnly := t.sess != nil && t.sess.AppendOnly
	t.mu.Unlock()
	if err != nil && crcRefused(err) && appendOnly {
		// The provider dropped the upload (Gokuai: the bytes are not the SHA-1 it began
		// with; the file changed since it was hashed): hash again and begin afresh.
		t.forgetHash()
		return nil, &Error{Code: CodeChecksumMismatch, Message: "the bytes sent are not the ones the upload began with: the file changed while it was uploaded",
			Err: ErrSessionGone}
	}
	if err != nil && !t.readsParts() && crcRefused(err) {
		// The parts' CRC-64 came from the data plane's answers, and the stored bytes may not
		// combine to them: check every part against the local file, send those that differ
		// again (read and checked locally this time) and complete once more.
		return t.recheck(ctx)
	}
	return res, err
}

// crcRefused reports whether a complete was refused for its checksum: SMH's BadCrc64
// (direct), or the token function's neutral ChecksumMismatch (the provider's code rides
// beside it, unread by the engine).
func crcRefused(err error) bool {
	c := Code(err)
	return c == smh.CodeBadCrc64 || c == CodeChecksumMismatch
}

// forgetHash drops the file's whole hash and its state, so that the next begin reads the
// file again for it.
func (t *Task) forgetHash() {
	t.mu.Lock()
	t.fullHash, t.cp.SHA1, t.cp.SHA1CRC64, t.cp.Chain = "", "", "", nil
	t.hashedCRCOK = false
	t.version++
	t.mu.Unlock()
}

// recheck verifies every acknowledged part against the local file after the complete
// refused their combined CRC-64, sends again the parts that differ, checked locally, and
// completes again. A refusal that persists is a ChecksumMismatch.
func (t *Task) recheck(ctx context.Context) (*Result, error) {
	t.setState(StateUploading)
	if err := t.dropMismatched(ctx); err != nil {
		return nil, err
	}
	if err := t.sendParts(ctx, true); err != nil {
		return nil, err
	}
	t.setState(StateConfirming)
	res, err := t.confirm(ctx)
	if crcRefused(err) {
		return nil, &Error{Code: CodeChecksumMismatch, Message: "the data plane's stored bytes do not have the file's CRC-64", Err: err}
	}
	return res, err
}

// dropMismatched un-acknowledges every part whose recorded CRC-64 differs from the local
// file's bytes.
func (t *Task) dropMismatched(ctx context.Context) error {
	buf, err := t.e.blocks.get(ctx, hashes.BlockSize)
	if err != nil {
		return err
	}
	defer t.e.blocks.put(buf)
	t.mu.Lock()
	p, recs := t.plan, slices.Clone(t.cp.Parts)
	t.cp.Confirming = false
	t.mu.Unlock()
	var kept []PartRecord
	for _, r := range recs {
		off, size := p.span(r.N)
		crc, err := t.crcRange(ctx, off, size, buf)
		if err != nil {
			return err
		}
		if crc == r.CRC64 && size == r.Size {
			kept = append(kept, r)
			continue
		}
		t.mu.Lock()
		delete(t.acked, r.N)
		delete(t.crcs, r.N)
		t.prog.acked -= r.Size
		t.mu.Unlock()
	}
	t.mu.Lock()
	t.cp.Parts = kept
	t.version++
	t.mu.Unlock()
	t.saveCheckpoint(ctx, true)
	return nil
}

// finish settles the task after a run: done or rapid (the checkpoint goes), canceled (the
// server task and the checkpoint go), paused or failed (the checkpoint is written).
//
// A stored file is reported at once; its finishing work (the checkpoint deleted, then the
// lock let go) is the returned tail, run once the file slot is free: the next file need not
// wait for it. The task settles (Wait returns) after the tail; the same file taken up again
// meanwhile waits for it (Engine.lock).
func (t *Task) finish(ctx context.Context, res *Result, err error) (tail func()) {
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
	late := t.intent // the page may have asked again while this run wound up
	t.intent = ""
	t.running, t.cancel = false, nil
	t.settling++
	if final == StateDone || final == StateRapid {
		t.tailLock = t.lock
	}
	t.setStateLocked(final)
	t.mu.Unlock()
	t.e.emit(t, EventState, nil)
	switch final {
	case StateDone, StateRapid:
		t.e.emit(t, EventComplete, res)
		return func() {
			bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			t.dropCheckpoint(bg)
			t.releaseLock()
			t.mu.Lock()
			t.tailLock = ""
			t.mu.Unlock()
			t.settled()
		}
	case StateFailed:
		t.e.emit(t, EventError, nil)
	}
	t.settled()
	switch {
	case late == StateCanceled && final != StateCanceled:
		_ = t.Cancel()
	case late == StateQueued && final == StatePaused:
		_ = t.Resume()
	}
	return nil
}

// begin asks the driver for an upload task, with quick upload when it applies.
func (t *Task) begin(ctx context.Context) (*Result, error) {
	e := t.e
	t.setState(StateBeginning)
	t.mu.Lock()
	cp, d := t.cp, t.drv
	t.mu.Unlock()
	spec := t.fileSpec()
	fullSent := false // the driver took the full hash: its begin may store the file
	quick := &QuickHashes{Beginning: cp.BeginningHash, Full: func(ctx context.Context) (string, error) {
		h, err := t.fullHashOf(ctx)
		fullSent = err == nil
		return h, err
	}, Off: e.opts.DisableQuickUpload || t.src.Size() < QuickUploadMinSize}
	var sess *Session
	var res *Result
	err := t.call(ctx, func(tok *Token) error {
		if t.takeLost() && t.canFind() { // a quick begin's answer was lost: it may have stored the file
			crc, err := t.fileCRC(ctx)
			if err == nil {
				res, err = t.lookupStored(ctx, nil, cp.Path, crc)
			}
			if err != nil || res != nil {
				if res != nil {
					res.Rapid = true
				}
				t.setLost(err != nil)
				return err
			}
		}
		var err error
		fullSent = false
		sess, res, err = d.Begin(ctx, tok, spec, quick)
		t.setLost(fullSent && err != nil && (ctx.Err() != nil || t.unknownOutcome(ctx, err)))
		return err
	})
	if err != nil || res != nil {
		return res, err
	}
	p, err := planOf(spec.Size, sess)
	if err != nil {
		_ = t.call(ctx, func(tok *Token) error { return d.Abort(ctx, tok, sess) })
		return nil, err
	}
	t.mu.Lock()
	t.sess, t.plan = sess, p
	t.sessGen++
	cp.Session, cp.Chain, cp.PartSize = sess, nil, p.partSize
	t.version++
	t.mu.Unlock()
	// Written before any byte goes, one body too: a reload then finds the task restorable
	// and cancels it, rather than leaving it open upstream (against the caller's cap on
	// open uploads) until it expires.
	t.saveCheckpoint(ctx, true)
	return nil, nil
}

// fileSpec is what the task begins: the engine's plan, which a brokered begin only
// proposes (the function decides the part size).
func (t *Task) fileSpec() *FileSpec {
	t.mu.Lock()
	defer t.mu.Unlock()
	spec := &FileSpec{Path: t.cp.Path, Size: t.src.Size(), Multipart: t.plan.multipart, PartSize: t.plan.partSize,
		Conflict: t.opts.Conflict, Labels: t.opts.Labels, Meta: metaKeys(t.opts.Meta)}
	if !spec.Multipart {
		spec.PartSize = t.e.opts.PartSize
	}
	return spec
}

// planOf is how a session cuts the file: the scheduler follows the server's plan.
func planOf(size int64, s *Session) (plan, error) {
	if !s.Multipart {
		return plan{size: size, partSize: size}, nil
	}
	p := plan{size: size, partSize: s.PartSize, multipart: true}
	if p.partSize < MinPartSize || p.partSize > MaxPartSize || p.count() > MaxParts {
		return plan{}, &Error{Code: "UnexpectedResponse", Message: "the upload's part size is outside the data plane's limits"}
	}
	return p, nil
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
	err := t.call(ctx, func(tok *Token) error {
		var err error
		remote, res, err = t.driver().Parts(ctx, tok, sess)
		return err
	})
	if errors.Is(err, ErrSessionGone) {
		if t.takeLost() { // gone after a confirm whose answer was lost: stored?
			t.mu.Lock()
			target, crc := t.cp.Path, t.wholeCRCLocked()
			t.mu.Unlock()
			if res, err := t.lookupStored(ctx, sess, target, crc); err != nil || res != nil {
				t.setLost(err != nil)
				return res, err
			}
		}
		t.forgetSession(ctx)
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

// forgetSession drops the server task found gone, to begin afresh. "Gone" may only mean
// that its handle was refused (an expired ticket) while the task is still open upstream:
// it is canceled, best effort, so that it holds no space and counts against no limit.
func (t *Task) forgetSession(ctx context.Context) {
	t.mu.Lock()
	old := t.sess
	t.sess, t.lost = nil, false
	t.cp.Session, t.cp.Parts, t.cp.Confirming = nil, nil, false
	t.crcs, t.acked = map[int]uint64{}, map[int]bool{}
	t.prog.acked, t.prog.inflight = 0, nil
	t.version++
	t.mu.Unlock()
	if old != nil {
		_ = t.call(ctx, func(tok *Token) error { return t.driver().Abort(ctx, tok, old) })
	}
}

// confirm completes the upload with the whole file's CRC-64, combined from the parts'.
func (t *Task) confirm(ctx context.Context) (*Result, error) {
	t.mu.Lock()
	crc := t.wholeCRCLocked()
	t.cp.Confirming = true // a reload from here on may find the file stored
	t.version++
	t.mu.Unlock()
	t.saveCheckpoint(ctx, true)
	var res *Result
	err := t.call(ctx, func(tok *Token) error {
		t.mu.Lock()
		sess, target, d := t.sess, t.cp.Path, t.drv
		t.mu.Unlock()
		var err error
		res, err = d.Complete(ctx, tok, sess, crc)
		lost := t.takeLost()
		if err != nil && lost && t.canFind() && t.e.classify(ctx, d, err) == FaultFatal {
			// Refused after a confirm whose answer was lost (UploadNotFound: the task is gone;
			// through the function, InvalidRequest): that confirm may have stored the file.
			// (A driver that cannot find files completes idempotently: this very complete
			// was the look-up.)
			found, lerr := t.lookupStored(ctx, sess, target, crc)
			if found != nil {
				res, err = found, nil
			} else if lerr != nil {
				err = lerr
			} // not stored: the server's refusal stands
			t.setLost(lerr != nil)
			return err
		}
		t.setLost(err != nil && (lost || ctx.Err() != nil || t.unknownOutcome(ctx, err)))
		return err
	})
	return res, err
}
func (t *Task) wholeCRCLocked() uint64 { return combineParts(t.plan, t.crcs) }

// abort deletes the server task of a canceled upload (best effort).
func (t *Task) abort(ctx context.Context) {
	t.mu.Lock()
	sess, restoreID, d := t.sess, t.restoreID, t.drv
	t.mu.Unlock()
	if sess == nil && restoreID != "" {
		// Canceled before it ran: the entry's own server task.
		if cp, err := t.e.cfg.Checkpoints.Load(ctx, restoreID); err == nil && cp != nil {
			sess, d = cp.Session, t.e.driverNamed(cp.Driver)
		}
	}
	if sess == nil || d == nil {
		return
	}
	_ = t.e.call(ctx, d, func(tok *Token) error { return d.Abort(ctx, tok, sess) })
}
