package function

import (
	"net/http"
	"strings"
)

// beginBody is the body of POST /v1/uploads (interfaces.md §5.2).
type beginBody struct {
	SpaceID      string
	Path         string
	Size         *int64
	Type         string
	LastModified *int64
	Conflict     string
	PartSize     *int64
	Labels       []string
	Meta         map[string]string
	Hashes       map[string]string
}

func readBeginBody(w http.ResponseWriter, r *http.Request) (*beginBody, error) {
	b := &beginBody{}
	err := readJSON(w, r, false, map[string]any{
		"spaceId": &b.SpaceID, "path": &b.Path, "size": &b.Size, "type": &b.Type, "lastModified": &b.LastModified,
		"conflict": &b.Conflict, "partSize": &b.PartSize, "labels": &b.Labels, "meta": &b.Meta, "hashes": &b.Hashes,
	})
	if err != nil {
		return nil, err
	}
	if err := checkOptionalIDs(b.SpaceID, "", ""); err != nil {
		return nil, err
	}
	switch {
	case b.Path == "":
		return nil, errInvalid("path is required: the file's path inside your area, like /uploads/a.pdf")
	case b.Size == nil:
		return nil, errInvalid("size is required: the file's size in bytes")
	case *b.Size < 0:
		return nil, errInvalid("size must not be negative")
	case b.Type != "" && !isMIMEType(b.Type):
		return nil, errInvalid("type: a MIME type like image/png")
	case b.PartSize != nil && (*b.PartSize < minPartSize || *b.PartSize > maxPartSize):
		return nil, errInvalid("partSize: between %d and %d bytes", minPartSize, maxPartSize)
	case len(b.Labels) > 16:
		return nil, errInvalid("labels: at most 16")
	case len(b.Meta) > 16:
		return nil, errInvalid("meta: at most 16 entries")
	}
	for _, l := range b.Labels {
		if l == "" || len(l) > 64 || hasControl(l) {
			return nil, errInvalid("labels: each 1-64 characters, no control characters")
		}
	}
	for k, v := range b.Meta {
		if !isMetaKey(k) || len(v) > 1024 || hasControl(v) {
			return nil, errInvalid("meta: keys of 1-64 lower-case letters, digits, '-' or '_'; values up to 1024 characters without control characters")
		}
	}
	conflict, ok := conflictAliases[b.Conflict]
	if !ok {
		return nil, errInvalid("conflict: use \"fail\", \"rename\" or \"replace\"")
	}
	b.Conflict = conflict
	return b, nil
}

// conflictAliases maps the accepted conflict words to the neutral ones; "" is the default
// (rename, SMH's own default). "ask" and "overwrite" are the widget's older words.
var conflictAliases = map[string]string{
	"": ConflictRename, ConflictFail: ConflictFail, ConflictRename: ConflictRename, ConflictReplace: ConflictReplace,
	"ask": ConflictFail, "overwrite": ConflictReplace,
}

// The checks below are written out rather than regexps: package regexp is about 70 KB of the
// Workers bundle, whose limit is 3 MiB. uploads_match_test.go fuzzes each against the regexp
// it stands for.

// isMIMEType matches ^[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,63}/[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,63}$.
func isMIMEType(s string) bool {
	typ, sub, ok := strings.Cut(s, "/")
	return ok && isMIMEToken(typ) && isMIMEToken(sub)
}

func isMIMEToken(s string) bool {
	if len(s) < 1 || len(s) > 64 || !isAlnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && !strings.ContainsRune("!#$&^_.+-", rune(c)) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// isMetaKey matches ^[a-z0-9_-]{1,64}$.
func isMetaKey(s string) bool {
	if len(s) < 1 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// declaredTypeAllowed checks a declared MIME type against allowedTypes: it must match a MIME
// pattern, or be the type the name's extension implies (the name itself is checked by
// typeAllowed), or the list must hold extensions only.
func declaredTypeAllowed(declared, name string, allowed []string) bool {
	if declared == "" || len(allowed) == 0 {
		return true
	}
	declared = strings.ToLower(declared)
	if declared == mimeByExt[extOf(name)] {
		return true
	}
	mimePatterns := false
	for _, a := range allowed {
		a = strings.ToLower(a)
		if strings.HasPrefix(a, ".") {
			continue
		}
		mimePatterns = true
		if a == declared || strings.HasSuffix(a, "/*") && strings.HasPrefix(declared, strings.TrimSuffix(a, "*")) {
			return true
		}
	}
	return !mimePatterns
}

// targetsBody is the body of POST /v1/uploads/{id}/targets.
type targetsBody struct {
	Parts  []int
	Offset *int64
}

func readTargetsBody(w http.ResponseWriter, r *http.Request, t *Ticket) ([]int, error) {
	var b targetsBody
	if err := readJSON(w, r, false, map[string]any{"parts": &b.Parts, "offset": &b.Offset}); err != nil {
		return nil, err
	}
	if b.Offset != nil {
		return nil, errInvalid("offset: this provider addresses parts by number; send parts")
	}
	if len(b.Parts) == 0 || len(b.Parts) > maxTargetsAsked {
		return nil, errInvalid("parts: 1-%d part numbers", maxTargetsAsked)
	}
	count := partCount(t.Size, t.PartSize)
	seen := map[int]bool{}
	for _, n := range b.Parts {
		valid := count == 0 && n == 0 || count > 0 && n >= 1 && n <= count
		if !valid {
			if count == 0 {
				return nil, errInvalid("parts: this upload is one body, part 0")
			}
			return nil, errInvalid("parts: numbers 1-%d", count)
		}
		if seen[n] {
			return nil, errInvalid("parts: %d is listed twice", n)
		}
		seen[n] = true
	}
	return b.Parts, nil
}
