package function

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Path normalisation. Library paths reach the function in two ways: as a string from the
// caller (/v1/directory) and as the segment list of an upload task read upstream
// (/v1/confirm). Both are checked segment by segment, and a path is accepted only when
// every segment is a plain name: no empty segment, no "." or "..", no slash or backslash,
// no control or invisible format character, and none of these after percent-decoding
// (repeatedly, so double encoding is caught) or after mapping Unicode look-alikes of "/"
// and "." (U+2215, U+FF0F, U+2024, U+FF0E, ...) to what they imitate. Anything doubtful is
// refused rather than repaired.

const (
	maxPathBytes    = 4096
	maxSegmentRunes = 255
)

// slashLike are characters that render as, or normalise (NFKC) to, a slash or backslash.
var slashLike = map[rune]bool{
	'/': true, '\\': true,
	'\u2044': true, // FRACTION SLASH
	'\u2215': true, // DIVISION SLASH
	'\u2216': true, // SET MINUS
	'\u29F5': true, // REVERSE SOLIDUS OPERATOR
	'\u29F8': true, // BIG SOLIDUS
	'\u29F9': true, // BIG REVERSE SOLIDUS
	'\uFE68': true, // SMALL REVERSE SOLIDUS
	'\uFF0F': true, // FULLWIDTH SOLIDUS
	'\uFF3C': true, // FULLWIDTH REVERSE SOLIDUS
	'\u0337': true, // COMBINING SHORT SOLIDUS OVERLAY
	'\u0338': true, // COMBINING LONG SOLIDUS OVERLAY
	'\uFF05': true, // FULLWIDTH PERCENT SIGN (NFKC "%": encoded tricks in disguise)
	'\uFE6A': true, // SMALL PERCENT SIGN
}

// dotLike maps characters that normalise to dots onto those dots.
var dotLike = map[rune]string{
	'\u2024': ".",   // ONE DOT LEADER
	'\u2025': "..",  // TWO DOT LEADER
	'\u2026': "...", // HORIZONTAL ELLIPSIS
	'\uFE52': ".",   // SMALL FULL STOP
	'\uFF0E': ".",   // FULLWIDTH FULL STOP
}

// checkSegment reports why s is not an acceptable path segment, or "" when it is.
func checkSegment(s string) string {
	if s == "" {
		return "empty path segment"
	}
	if !utf8.ValidString(s) {
		return "path segment is not valid UTF-8"
	}
	if utf8.RuneCountInString(s) > maxSegmentRunes {
		return "path segment longer than 255 characters"
	}
	form := s
	for range 4 { // the segment and up to three rounds of percent-decoding
		if why := checkPlain(form); why != "" {
			return why
		}
		if !strings.Contains(form, "%") {
			return ""
		}
		dec, err := url.PathUnescape(form)
		if err != nil || dec == form {
			return ""
		}
		form = dec
	}
	return "path segment is percent-encoded too many times"
}

func checkPlain(s string) string {
	var dots strings.Builder
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return "path segment is not valid UTF-8"
		case slashLike[r]:
			return "path segment contains a slash, backslash or a look-alike"
		case unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r):
			return "path segment contains a control or invisible character"
		}
		if d, ok := dotLike[r]; ok {
			dots.WriteString(d)
		} else {
			dots.WriteRune(r)
		}
	}
	t := strings.TrimFunc(dots.String(), unicode.IsSpace)
	if t == "" {
		return "path segment is blank"
	}
	if strings.Trim(t, ".") == "" {
		return `path segment is "." or ".." (or looks like it)`
	}
	return ""
}

// checkSegments checks every segment of a path given as a list.
func checkSegments(segs []string) string {
	for _, s := range segs {
		if why := checkSegment(s); why != "" {
			return why
		}
	}
	return ""
}

// splitPath parses a library path given as a string ("/a/b/c", "a/b/c/" and "/" are
// accepted) into checked segments. The root is the empty list.
func splitPath(p string) ([]string, string) {
	if len(p) > maxPathBytes {
		return nil, "path longer than 4096 bytes"
	}
	p = strings.TrimPrefix(p, "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return nil, ""
	}
	segs := strings.Split(p, "/")
	if why := checkSegments(segs); why != "" {
		return nil, why
	}
	return segs, ""
}

// underPrefix reports whether segs lies inside prefix; with strict, segs must also be
// longer (a file inside the area, not the area itself).
func underPrefix(segs, prefix []string, strict bool) bool {
	if len(segs) < len(prefix) || strict && len(segs) == len(prefix) {
		return false
	}
	for i, p := range prefix {
		if segs[i] != p {
			return false
		}
	}
	return true
}

// joinPath renders segments as an absolute library path.
func joinPath(segs []string) string { return "/" + strings.Join(segs, "/") }
