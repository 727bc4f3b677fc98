package engine

import (
	"context"
	"errors"
)

// Restorable is an upload a reload (or another engine) left behind.
type Restorable struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	Path         string  `json:"path"`
	Size         int64   `json:"size"`
	LastModified int64   `json:"lastModified"`
	Fraction     float64 `json:"fraction"`
}

// Restorable lists the checkpoints of the current user (library, space and user of the
// token) that no task — here or in another tab — owns. The checkpoints are read first: with
// none stored (most page views) no token is asked for; only a token says whose they are.
func (e *Engine) Restorable(ctx context.Context) ([]Restorable, error) {
	cps, err := e.checkpoints(ctx)
	if err != nil {
		return nil, AsError(err)
	}
	out := []Restorable{}
	if len(cps) == 0 {
		return out, nil
	}
	tok, err := e.token(ctx)
	if err != nil {
		return nil, AsError(err)
	}
	for _, cp := range cps {
		if !e.mine(cp, tok) {
			continue
		}
		unlock, err := e.lock(ctx, lockName(cp.ID))
		if err != nil {
			if ctx.Err() != nil {
				return nil, AsError(ctx.Err())
			}
			continue // owned by a task, here or in another tab
		}
		// Its owner may have finished (and deleted it) while the lock was waited for.
		cp, err = e.cfg.Checkpoints.Load(ctx, cp.ID)
		unlock()
		if err != nil {
			return nil, AsError(err)
		}
		if cp == nil {
			continue
		}
		f := 0.0
		if cp.Size > 0 {
			f = min(1, float64(cp.Acknowledged())/float64(cp.Size))
		}
		out = append(out, Restorable{ID: cp.ID, Name: cp.Name, Path: cp.Path, Size: cp.Size, LastModified: cp.LastModified, Fraction: f})
	}
	// By path (insertion sort: a handful of entries; keeps package sort out of wasm).
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Path < out[j-1].Path; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, nil
}

// checkpoints lists the stored checkpoints of this engine's drivers.
func (e *Engine) checkpoints(ctx context.Context) ([]*Checkpoint, error) {
	all, err := e.cfg.Checkpoints.List(ctx)
	cps := all[:0]
	for _, cp := range all {
		if e.driverNamed(cp.Driver) != nil {
			cps = append(cps, cp)
		}
	}
	return cps, err
}

// Forget deletes a restorable upload without its file: its server task (DELETE ?upload) and
// its checkpoint. An entry that is not the current user's, or is gone, is NotFound; one that
// a task here or another tab owns is Busy (cancel that task instead).
func (e *Engine) Forget(ctx context.Context, entryID string) error {
	cp, err := e.cfg.Checkpoints.Load(ctx, entryID)
	if err != nil {
		return AsError(err)
	}
	notFound := newError(CodeNotFound, "no restorable upload %q", entryID)
	if cp == nil || e.driverNamed(cp.Driver) == nil {
		return notFound
	}
	tok, err := e.token(ctx)
	if err != nil {
		return AsError(err)
	}
	if !e.mine(cp, tok) {
		return notFound
	}
	name := lockName(cp.ID)
	if e.ownsLock(name) && e.finishing(name) == nil { // a finishing one is waited for below
		return newError(CodeBusy, "%q is being uploaded here: cancel it instead", cp.Name)
	}
	unlock, err := e.lock(ctx, name)
	if err != nil {
		if errors.Is(err, ErrBusy) {
			return newError(CodeBusy, "%q is being uploaded in another tab", cp.Name)
		}
		return AsError(err)
	}
	defer unlock()
	// Its owner may have finished (and deleted it) while the lock was waited for.
	if cp, err = e.cfg.Checkpoints.Load(ctx, cp.ID); err != nil {
		return AsError(err)
	}
	if cp == nil {
		return notFound
	}
	if cp.Session != nil {
		d := e.driverNamed(cp.Driver)
		err := e.call(ctx, d, func(tok *Token) error { return d.Abort(ctx, tok, cp.Session) })
		if err != nil && !errors.Is(err, ErrSessionGone) {
			return AsError(err) // the checkpoint stays, so forgetting can be tried again
		}
	}
	if err := e.cfg.Checkpoints.Delete(ctx, cp.ID); err != nil {
		return AsError(err)
	}
	return nil
}

// mine: cp is the token's user's, and of the driver the token's mode picks.
func (e *Engine) mine(cp *Checkpoint, tok *Token) bool {
	d, err := e.driverFor(tok)
	return err == nil && cp.Driver == d.Name() && cp.Library == tok.LibraryID && cp.Space == tok.SpaceID && cp.UserID == tok.UserID
}

// Restore resumes a restorable upload with the file picked again. A file whose name, size or
// last-modified differ from the entry's is refused with FileChanged. Empty options take the
// entry's (its path, conflict, labels and metadata).
func (e *Engine) Restore(ctx context.Context, entryID string, src Source, opts UploadOptions) (*Task, error) {
	return e.RestoreWithID(ctx, "", entryID, src, opts)
}

// RestoreWithID is Restore with the caller's task id.
func (e *Engine) RestoreWithID(ctx context.Context, taskID, entryID string, src Source, opts UploadOptions) (*Task, error) {
	cp, err := e.cfg.Checkpoints.Load(ctx, entryID)
	if err != nil {
		return nil, AsError(err)
	}
	if cp == nil {
		return nil, newError(CodeNotFound, "no restorable upload %q", entryID)
	}
	if src == nil {
		return nil, newError(CodeInvalidOptions, "no file")
	}
	if src.Name() != cp.Name || src.Size() != cp.Size || src.LastModified() != cp.LastModified {
		return nil, newError(CodeFileChanged, "%q is not the file that was being uploaded (name, size or last-modified differ)", src.Name())
	}
	if opts.Path == "" {
		opts.Path = cp.Options.Path
	}
	if opts.Conflict == "" {
		opts.Conflict = cp.Options.Conflict
	}
	if opts.Labels == nil {
		opts.Labels = cp.Options.Labels
	}
	if opts.Meta == nil {
		opts.Meta = cp.Options.Meta
	}
	return e.addWithID(taskID, src, opts, entryID)
}
