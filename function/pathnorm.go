package function

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Path normalisation. Library paths reach the function in two ways: as a string from the
// caller (/v1/directory) and as the segment list of an upload task read upstream
// (/v1/confirm). Both are checked segment by segment, and a path is accepted only when
// every segment is a plain name: no empty segment, no "." or "..", no slash or backslash,
// no control or invisible format character, and none of these after percent-decoding
// (repeatedly, so double encoding is caught). Look-alikes are judged by what Unicode NFKC
// turns them into, not by a list: a character whose compatibility mapping yields ASCII
// letters, digits or path punctuation (fullwidth letters, "︰" → "..", "℀" → "a/c") is
// refused, since a service or a later tool that normalises would read another name.
// Compatibility forms of other punctuation and of spaces (fullwidth "（", "：", the
// ideographic space) stay allowed: Chinese and Japanese file names use them every day, and
// what they turn into cannot change what a path means. Identifiers (the JWT sub, the
// policy's prefix) must not change under NFKC at all (see nfkcStable). Anything doubtful is
// refused rather than repaired.

const (
	maxPathBytes    = 4096
	maxSegmentRunes = 255
)

// separatorGlyphs render as a slash or backslash but have no compatibility mapping, so
// NFKC leaves them alone; they are refused so that no name reads as a deeper path.
var separatorGlyphs = map[rune]bool{
	'\u2044': true, // FRACTION SLASH
	'\u2215': true, // DIVISION SLASH
	'\u2216': true, // SET MINUS
	'\u29F5': true, // REVERSE SOLIDUS OPERATOR
	'\u29F8': true, // BIG SOLIDUS
	'\u29F9': true, // BIG REVERSE SOLIDUS
	'\u0337': true, // COMBINING SHORT SOLIDUS OVERLAY
	'\u0338': true, // COMBINING LONG SOLIDUS OVERLAY
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
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return "path segment is not valid UTF-8"
		case r == '/' || r == '\\' || separatorGlyphs[r]:
			return "path segment contains a slash, backslash or a look-alike"
		case unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r):
			return "path segment contains a control or invisible character"
		case r >= utf8.RuneSelf:
			if why := compatMapping(r); why != "" {
				return why
			}
		}
	}
	t := strings.TrimFunc(s, unicode.IsSpace)
	if t == "" {
		return "path segment is blank"
	}
	if strings.Trim(t, ".") == "" {
		return `path segment is "." or ".."`
	}
	return ""
}

// compatMapping refuses r when its NFKC compatibility mapping (beyond canonical
// composition, which only recombines accents) yields ASCII letters, digits, path
// punctuation or control characters.
func compatMapping(r rune) string {
	one := string(r)
	k := norm.NFKC.String(one)
	if k == norm.NFC.String(one) {
		return ""
	}
	for _, c := range k {
		if c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.ContainsRune(`/\.%`, c) || c < ' ' || c == 0x7f) {
			return fmt.Sprintf("path segment contains %U, which Unicode NFKC turns into %q (a look-alike of another name); rename it", r, k)
		}
	}
	return ""
}

// nfkcStable reports whether s is unchanged by NFKC: identifiers compared byte for byte
// (the JWT sub, the prefix's segments) must have one spelling only.
func nfkcStable(s string) bool { return norm.NFKC.IsNormalString(s) }

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
