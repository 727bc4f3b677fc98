package engine

import (
	"path"
	"strings"
)

// plan is how a file is cut: one simple upload, or parts of partSize (the last shorter).
type plan struct {
	size      int64
	partSize  int64
	multipart bool
}

// makePlan cuts a file of size: simple up to the threshold, else parts of o.PartSize grown
// in whole MiB so that there are at most MaxParts.
func makePlan(size int64, o Options) plan {
	if size <= o.SimpleThreshold {
		return plan{size: size, partSize: size}
	}
	ps := o.PartSize
	if need := (size + MaxParts - 1) / MaxParts; need > ps {
		ps = (need + MiB - 1) / MiB * MiB
	}
	return plan{size: size, partSize: ps, multipart: true}
}

// count is the number of parts (1 for a simple upload).
func (p plan) count() int {
	if !p.multipart {
		return 1
	}
	return int((p.size + p.partSize - 1) / p.partSize)
}

// first and last are the part numbers: 0..0 for a simple upload, 1..count for multipart.
func (p plan) first() int {
	if p.multipart {
		return 1
	}
	return 0
}

func (p plan) last() int {
	if p.multipart {
		return p.count()
	}
	return 0
}

// span is part n's offset and length.
func (p plan) span(n int) (off, length int64) {
	if !p.multipart {
		return 0, p.size
	}
	off = int64(n-1) * p.partSize
	return off, min(p.partSize, p.size-off)
}

// targetPath joins the token's path prefix with the page's path. A page path that is empty
// or ends in "/" names a directory, and the file keeps its name. The page path is cleaned as
// if rooted, so ".." can never climb out of the prefix.
func targetPath(prefix, page, name string) (string, error) {
	dirOnly := page == "" || strings.HasSuffix(page, "/")
	rel := path.Clean("/" + page)
	if dirOnly {
		n := strings.NewReplacer("/", "_", "\x00", "").Replace(name)
		if n == "" || n == "." || n == ".." {
			return "", newError(CodeInvalidOptions, "the file has no usable name (%q)", name)
		}
		rel = path.Join(rel, n)
	}
	if rel == "/" {
		return "", newError(CodeInvalidOptions, "the path %q names no file", page)
	}
	return path.Join("/", strings.Trim(prefix, "/"), rel), nil
}

// checkLimits applies the token's limits to a file.
func checkLimits(l Limits, src Source) error {
	if l.MaxFileSize > 0 && src.Size() > l.MaxFileSize {
		return newError(CodePolicyViolation, "the file is %d bytes; at most %d are allowed", src.Size(), l.MaxFileSize)
	}
	if len(l.AllowedTypes) == 0 {
		return nil
	}
	mime := ""
	if t, ok := src.(Typed); ok {
		mime = strings.ToLower(t.Type())
	}
	if typeAllowed(l.AllowedTypes, strings.ToLower(src.Name()), mime) {
		return nil
	}
	return newError(CodePolicyViolation, "files of this type are not allowed (allowed: %s)", strings.Join(l.AllowedTypes, ", "))
}

// typeAllowed matches "image/*", "application/pdf" and ".pdf" patterns, as <input accept>.
func typeAllowed(patterns []string, name, mime string) bool {
	for _, p := range patterns {
		p = strings.ToLower(strings.TrimSpace(p))
		switch {
		case p == "" || p == "*" || p == "*/*":
			return true
		case strings.HasPrefix(p, "."):
			if strings.HasSuffix(name, p) {
				return true
			}
		case strings.HasSuffix(p, "/*"):
			if mime != "" && strings.HasPrefix(mime, p[:len(p)-1]) {
				return true
			}
		case mime == p:
			return true
		}
	}
	return false
}

// metaKeys strips the x-smh-meta- prefix the page may give.
func metaKeys(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if len(k) >= len("x-smh-meta-") && strings.EqualFold(k[:len("x-smh-meta-")], "x-smh-meta-") {
			k = k[len("x-smh-meta-"):]
		}
		if k != "" {
			out[strings.ToLower(k)] = v
		}
	}
	return out
}
