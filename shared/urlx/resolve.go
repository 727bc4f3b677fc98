package urlx

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
)

// Resolve resolves ref against base (RFC 3986 §5.2) and returns what
// url.Parse(base).ResolveReference(url.Parse(ref)).String() returns, for the URLs the engine
// resolves: the token function's confirmUrl, directoryUrl and uploadsUrl against the token
// URL, which the page has made absolute (new URL(tokenUrl, location.href).href).
//
// base is an absolute http or https URL: scheme "://" host [":" port] path ["?" query]
// ["#" fragment] (the fragment is checked and has no effect). ref is non-empty and one of
//   - absolute:        http(s)://host[:port][/path][?query]
//   - scheme-relative: //host[:port][/path][?query]
//   - absolute-path:   /path[?query]
//   - relative-path:   path[?query] (no ':' in its first segment), or ?query alone
//
// The result's path has its dot segments removed; the scheme is lower-cased, everything
// else is kept byte for byte. Where net/url would rewrite or reject its input, Resolve
// refuses it with an error instead:
//   - other schemes (mailto:, javascript:, data:…) and http(s) URLs without "//host";
//   - userinfo (user:pass@host: fetch refuses such URLs anyway);
//   - an empty host, a host outside [A-Za-z0-9.-_~] (browsers hand out ASCII, punycoded
//     hosts) or an IPv6 literal with a zone; a port that is not digits;
//   - a path byte other than RFC 3986's pchar (unreserved, sub-delims, ':', '@'), '/',
//     '[', ']' or a %XX escape (net/url re-escapes ' ', '|', '"', non-ASCII… and would
//     rewrite the whole path);
//   - control bytes anywhere, a fragment in ref, an empty ref, a ref starting "///".
func Resolve(base, ref string) (string, error) {
	b, err := parse(base, true)
	if err != nil {
		return "", errors.New("urlx: base " + strconv.Quote(base) + ": " + err.Error())
	}
	r, err := parse(ref, false)
	if err != nil {
		return "", errors.New("urlx: reference " + strconv.Quote(ref) + ": " + err.Error())
	}
	u := r
	switch {
	case r.host != "":
		if u.scheme == "" {
			u.scheme = b.scheme
		}
		u.path = removeDots(r.path, "")
	default:
		// ref keeps its own query: it is never empty and has no fragment, so it has a path
		// or a '?' (RFC 3986 would take base's query only for a ref of neither).
		u.scheme, u.host = b.scheme, b.host
		rp := r.path
		if rp == "%2A" {
			// net/url keeps a path that is exactly "*" unescaped (Go issue 11202), and
			// "%2A" is how it escapes "*": it resolves as "*".
			rp = "*"
		}
		u.path = removeDots(b.path, rp)
	}
	s := u.scheme + "://" + u.host + u.path
	if u.hasQuery {
		s += "?" + u.query
	}
	return s, nil
}

// parts is a URL or reference split as net/url splits it (the fragment dropped).
type parts struct {
	scheme, host, path, query string // host "" when there is no authority
	hasQuery                  bool
}

func parse(s string, isBase bool) (parts, error) {
	var p parts
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] == 0x7f {
			return p, errors.New("control byte")
		}
	}
	if s == "" {
		return p, errors.New("empty")
	}
	if i := strings.IndexByte(s, '#'); i >= 0 {
		if !isBase {
			return p, errors.New("fragment")
		}
		if !validEscapes(s[i+1:]) {
			return p, errors.New("malformed %XX escape in the fragment")
		}
		s = s[:i]
	}
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s, p.query, p.hasQuery = s[:i], s[i+1:], true
	}
	scheme, rest, err := splitScheme(s)
	if err != nil {
		return p, err
	}
	switch {
	case scheme != "":
		if p.scheme = strings.ToLower(scheme); p.scheme != "http" && p.scheme != "https" {
			return p, errors.New("scheme is not http or https")
		}
		if !strings.HasPrefix(rest, "//") {
			return p, errors.New("no //host after the scheme")
		}
	case isBase:
		return p, errors.New("not an absolute http(s) URL")
	case strings.HasPrefix(rest, "///"):
		return p, errors.New("starts with ///")
	}
	if strings.HasPrefix(rest, "//") {
		auth := rest[2:]
		rest = ""
		if i := strings.IndexByte(auth, '/'); i >= 0 {
			auth, rest = auth[:i], auth[i:]
		}
		if p.host, err = checkHost(auth); err != nil {
			return p, err
		}
	} else if rest != "" && rest[0] != '/' {
		if seg, _, _ := strings.Cut(rest, "/"); strings.IndexByte(seg, ':') >= 0 {
			return p, errors.New("':' in the first segment of a relative path")
		}
	}
	if err := checkPath(rest); err != nil {
		return p, err
	}
	p.path = rest
	return p, nil
}

// splitScheme is net/url's getScheme: scheme is [A-Za-z][A-Za-z0-9+.-]* before a ':'.
func splitScheme(s string) (scheme, rest string, err error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.':
			if i == 0 {
				return "", s, nil
			}
		case c == ':':
			if i == 0 {
				return "", "", errors.New("missing scheme before ':'")
			}
			return s[:i], s[i+1:], nil
		default:
			return "", s, nil
		}
	}
	return "", s, nil
}

// checkHost accepts host[:port], host a reg-name of [A-Za-z0-9.-_~] or an IPv6 literal
// without a zone, and returns it as it is.
func checkHost(auth string) (string, error) {
	if strings.IndexByte(auth, '@') >= 0 {
		return "", errors.New("userinfo in the authority")
	}
	host, port := auth, ""
	if strings.HasPrefix(auth, "[") {
		end := strings.LastIndexByte(auth, ']')
		if end < 0 || !validIPv6(auth[1:end]) {
			return "", errors.New("not an IPv6 literal without a zone")
		}
		host, port = auth[:end+1], auth[end+1:]
	} else if i := strings.IndexByte(auth, ':'); i >= 0 {
		host, port = auth[:i], auth[i:]
	}
	if host == "" {
		return "", errors.New("empty host")
	}
	if port != "" {
		if port[0] != ':' {
			return "", errors.New("bad port")
		}
		for i := 1; i < len(port); i++ {
			if port[i] < '0' || port[i] > '9' {
				return "", errors.New("bad port")
			}
		}
	}
	if host[0] != '[' {
		for i := 0; i < len(host); i++ {
			if !unreserved(host[i]) {
				return "", errors.New("host byte " + strconv.QuoteRune(rune(host[i])) + " outside [A-Za-z0-9.-_~]")
			}
		}
	}
	return auth, nil
}

// checkPath accepts pchar, '/', '[', ']' and %XX: the bytes net/url keeps as they are.
func checkPath(p string) error {
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case unreserved(c):
		case strings.IndexByte("!$&'()*+,;=:@/[]", c) >= 0:
		case c == '%':
			if i+2 >= len(p) || !ishex(p[i+1]) || !ishex(p[i+2]) {
				return errors.New("malformed %XX escape in the path")
			}
			i += 2
		default:
			return errors.New("path byte " + strconv.Quote(string(c)) + " that net/url would re-escape")
		}
	}
	return nil
}

func validEscapes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' {
			if i+2 >= len(s) || !ishex(s[i+1]) || !ishex(s[i+2]) {
				return false
			}
			i += 2
		}
	}
	return true
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// removeDots merges ref into base's directory (ref "" keeps base; ref "/…" replaces it) and
// removes "." and ".." segments, as net/url's resolvePath does (it works on escaped paths:
// "%2E" is no dot).
func removeDots(base, ref string) string {
	var full string
	switch {
	case ref == "":
		full = base
	case ref[0] != '/':
		full = base[:strings.LastIndexByte(base, '/')+1] + ref
	default:
		full = ref
	}
	if full == "" {
		return ""
	}
	dst := make([]byte, 1, len(full)+1)
	dst[0] = '/'
	elem, remaining, found, first := "", full, true, true
	for found {
		elem, remaining, found = strings.Cut(remaining, "/")
		switch elem {
		case ".":
			first = false
		case "..":
			if i := bytes.LastIndexByte(dst[1:], '/'); i >= 0 {
				dst = dst[:i+1]
			} else {
				dst = dst[:1]
			}
			first = len(dst) == 1
		default:
			if !first {
				dst = append(dst, '/')
			}
			dst = append(dst, elem...)
			first = false
		}
	}
	if elem == "." || elem == ".." {
		dst = append(dst, '/')
	}
	if len(dst) > 1 && dst[1] == '/' {
		return string(dst[1:])
	}
	return string(dst)
}
