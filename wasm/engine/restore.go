package engine

import "context"

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
// token) that no task — here or in another tab — owns.
func (e *Engine) Restorable(ctx context.Context) ([]Restorable, error) {
	tok, err := e.token(ctx)
	if err != nil {
		return nil, AsError(err)
	}
	cps, err := e.cfg.Checkpoints.List(ctx)
	if err != nil {
		return nil, AsError(err)
	}
	out := []Restorable{}
	for _, cp := range cps {
		if !e.mine(cp, tok) {
			continue
		}
		unlock, err := e.cfg.Locker.TryLock(ctx, lockName(cp.ID))
		if err != nil {
			continue // owned by a task, here or in another tab
		}
		unlock()
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

func (e *Engine) mine(cp *Checkpoint, tok *Token) bool {
	return cp.Driver == e.cfg.Driver.Name() && cp.Library == tok.LibraryID && cp.Space == tok.SpaceID && cp.UserID == tok.UserID
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
