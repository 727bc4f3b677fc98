package smhemu

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

func pathKey(p []string) string { return strings.Join(p, "/") }

// get returns the node at p, or nil; the root is not a node (see isDir).
func (s *space) get(p []string) *node {
	if len(p) == 0 {
		return nil
	}
	return s.Nodes[pathKey(p)]
}

// isDir reports whether p names a directory (the root always is one).
func (s *space) isDir(p []string) bool {
	if len(p) == 0 {
		return true
	}
	n := s.get(p)
	return n != nil && n.isDir()
}

// requireParent checks that the parent of p is an existing directory: uploads never
// create parents.
func (s *space) requireParent(p []string) error {
	if !s.isDir(p[:len(p)-1]) {
		return ErrDirectoryNotFound.With("the parent directory /%s does not exist", pathKey(p[:len(p)-1]))
	}
	return nil
}

type child struct {
	name string
	node *node
}

// children lists the entries of directory p, directories first, then by name.
func (s *space) children(p []string) []child {
	prefix := pathKey(p)
	if prefix != "" {
		prefix += "/"
	}
	var out []child
	for k, n := range s.Nodes {
		if rest, ok := strings.CutPrefix(k, prefix); ok && rest != "" && !strings.Contains(rest, "/") {
			out = append(out, child{rest, n})
		}
	}
	slices.SortFunc(out, func(a, b child) int {
		if a.node.isDir() != b.node.isDir() {
			if a.node.isDir() {
				return -1
			}
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	return out
}

// removeTree deletes p and everything under it and returns the blobs of removed files.
func (s *space) removeTree(p []string) []blobRef {
	k := pathKey(p)
	var freed []blobRef
	for nk, n := range s.Nodes {
		if nk == k || strings.HasPrefix(nk, k+"/") {
			if n.File != nil {
				freed = append(freed, n.File.Blobs...)
			}
			delete(s.Nodes, nk)
		}
	}
	return freed
}

// freeName returns the first of "name (1).ext", "name (2).ext", … free in directory dir.
func (s *space) freeName(dir []string, name string) string {
	base, ext := splitExt(name)
	for i := 1; ; i++ {
		cand := fmt.Sprintf("%s (%d)%s", base, i, ext)
		if s.get(append(slices.Clip(dir), cand)) == nil {
			return cand
		}
	}
}

// splitExt splits "a.tar.gz" into "a.tar" and ".gz"; a leading dot is not an extension.
func splitExt(name string) (base, ext string) {
	ext = path.Ext(name)
	if ext == name || ext == "." {
		return name, ""
	}
	return strings.TrimSuffix(name, ext), ext
}

// usedBytes is the size of all files of a library.
func (l *libState) usedBytes() int64 {
	var n int64
	for _, sp := range l.Spaces {
		for _, nd := range sp.Nodes {
			if nd.File != nil {
				n += nd.File.Size
			}
		}
	}
	return n
}

// removeTreeAll empties the space and returns the blobs of its files.
func (s *space) removeTreeAll() []blobRef {
	var freed []blobRef
	for _, n := range s.Nodes {
		if n.File != nil {
			freed = append(freed, n.File.Blobs...)
		}
	}
	s.Nodes = map[string]*node{}
	return freed
}
