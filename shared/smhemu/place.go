package smhemu

import (
	"io"
	"slices"
)

// placeLocked stores fd at p, resolving a name conflict by strategy (rename picks the
// first free "name (n).ext"), and returns the final path. The parent must exist.
func (e *Emulator) placeLocked(lib Library, sp *space, p []string, strategy string, mayOverwrite bool, fd *fileData) ([]string, error) {
	if err := sp.requireParent(p); err != nil {
		return nil, err
	}
	final := slices.Clone(p)
	var replaced *node
	if ex := sp.get(p); ex != nil {
		if err := checkOverwrite(ex, strategy, mayOverwrite); err != nil {
			return nil, err
		}
		if strategy == "rename" {
			final[len(final)-1] = sp.freeName(p[:len(p)-1], p[len(p)-1])
		} else {
			replaced = ex
		}
	}
	if lib.QuotaBytes > 0 {
		used := e.st.Libraries[lib.ID].usedBytes()
		if replaced != nil {
			used -= replaced.File.Size
		}
		if used+fd.Size > lib.QuotaBytes {
			return nil, ErrQuotaLimitReached.With("%d bytes would exceed the quota of %d", fd.Size, lib.QuotaBytes)
		}
	}
	now := e.now()
	n := newNode(now, fd)
	if replaced != nil {
		n.Created = replaced.Created
		e.kit.Release(replaced.File.Blobs...)
	}
	sp.Nodes[pathKey(final)] = n
	e.touchNodeLocked(lib.ID, sp, pathKey(final))
	if parent := sp.get(final[:len(final)-1]); parent != nil {
		parent.Modified = now
		e.touchNodeLocked(lib.ID, sp, pathKey(final[:len(final)-1]))
	}
	return final, nil
}

// digest computes a file's fullHash and plain SHA-256 by reading it.
func (e *Emulator) digest(fd *fileData) (full, plain string, err error) {
	r, err := e.kit.OpenContent(fd.Blobs)
	if err != nil {
		return "", "", err
	}
	defer r.Close()
	q := newQuickHasher()
	if _, err := io.Copy(q, io.NewSectionReader(r, 0, r.Size())); err != nil {
		return "", "", err
	}
	_, full, plain = q.sums()
	return full, plain, nil
}

// computeDigests fills in the digests of files outside the lock (files are immutable;
// only these cached fields are written, under the lock).
func (e *Emulator) computeDigests(fds []*fileData) {
	for _, fd := range fds {
		full, plain, err := e.digest(fd)
		if err != nil {
			continue
		}
		e.kit.Lock()
		fd.FullHash, fd.SHA256 = full, plain
		e.kit.Unlock()
	}
}
