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
			return nil, ErrInvalidPath.With("segment %d of the path is not valid", i+1)
		}
		out[i] = d
	}
	return out, nil
}

// splitTree splits {libraryId}/{spaceId}/{path} of the directory and file routes. The
// library and the space are single segments. The path is unescaped as a whole, then split
// at "/": official SDKs encode the whole path parameter, "/" as %2F (smh-js-sdk with
// encodeURIComponent, smh-sdk-android through Retrofit's @Path), and the service takes it
// as the same path. Unescaping happens once, so "%252F" is the characters "%2F" of a name.
// Levels that would escape ("..", "."), empty levels and control characters are left to
// validatePath, which refuses them encoded or not. p is nil when there is no path at all.
func splitTree(escaped string) (lib, space string, p []string, err error) {
	parts := strings.SplitN(escaped, "/", 3)
	ids, err := splitSegments(strings.Join(parts[:min(len(parts), 2)], "/"))
	if err != nil {
		return "", "", nil, err
	}
	if len(ids) < 2 {
		return ids[0], "", nil, nil
	}
	if len(parts) < 3 {
		return ids[0], ids[1], nil, nil
	}
	d, err := url.PathUnescape(parts[2])
	if err != nil {
		return "", "", nil, ErrInvalidPath.With("the path is not valid percent-encoding")
	}
	return ids[0], ids[1], strings.Split(d, "/"), nil
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
		return ErrInvalidPath.With("a path level is empty")
	case name == "." || name == "..":
		return ErrInvalidPath.With("%q is not a valid name", name)
	case !utf8.ValidString(name):
		return ErrInvalidPath.With("a name is not valid UTF-8")
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return ErrInvalidPath.With("a name contains a control character")
	case utf8.RuneCountInString(name) > 255 && dir:
		return ErrDirectoryNameLength
	case utf8.RuneCountInString(name) > 255:
		return ErrFileNameLength
	}
	return nil
}
