package smhemu

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// splitSegments splits an escaped path at "/" and unescapes each segment. An escaped "/"
// (%2F) inside a segment would name a file with a slash in it: refused.
func splitSegments(escaped string) ([]string, error) {
	raw := strings.Split(escaped, "/")
	out := make([]string, len(raw))
	for i, s := range raw {
		d, err := url.PathUnescape(s)
		if err != nil || strings.Contains(d, "/") {
			return nil, ErrInvalidPath.with("segment %d of the path is not valid", i+1)
		}
		out[i] = d
	}
	return out, nil
}

// validatePath checks every level of a file or directory path: no empty level, no "." or
// "..", valid UTF-8 without control characters, at most 255 characters per name.
func validatePath(p []string, dir bool) error {
	for i, name := range p {
		last := i == len(p)-1
		if err := validateName(name, dir || !last); err != nil {
			return err
		}
	}
	return nil
}

func validateName(name string, dir bool) error {
	switch {
	case name == "":
		return ErrInvalidPath.with("a path level is empty")
	case name == "." || name == "..":
		return ErrInvalidPath.with("%q is not a valid name", name)
	case !utf8.ValidString(name):
		return ErrInvalidPath.with("a name is not valid UTF-8")
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return ErrInvalidPath.with("a name contains a control character")
	case utf8.RuneCountInString(name) > 255 && dir:
		return ErrDirectoryNameLength
	case utf8.RuneCountInString(name) > 255:
		return ErrFileNameLength
	}
	return nil
}
