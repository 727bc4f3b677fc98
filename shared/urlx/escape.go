// Package urlx is the part of net/url the browser build (ferry.wasm) needs: PathEscape,
// QueryEscape, Values.Encode and Resolve. net/url links fmt, net/netip, unique and weak
// (~59 KB gzip); this package links none of them, and no reflect either. Its outputs are
// byte-identical to net/url's, checked natively by differential tests and fuzz targets.
package urlx

const upperhex = "0123456789ABCDEF"

// PathEscape is url.PathEscape: it escapes s for one path segment ('/' included).
func PathEscape(s string) string { return escape(s, false) }

// QueryEscape is url.QueryEscape: it escapes s for a query key or value (' ' becomes '+').
func QueryEscape(s string) string { return escape(s, true) }

// unreserved reports RFC 3986 §2.3's unreserved characters, which neither mode escapes.
func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// shouldEscape is net/url's rule for its encodePathSegment and encodeQueryComponent modes:
// a path segment keeps the reserved characters $ & + : = @ (not / ; , ?); a query
// component keeps no reserved character; every other byte is escaped.
func shouldEscape(c byte, query bool) bool {
	if unreserved(c) {
		return false
	}
	if !query {
		switch c {
		case '$', '&', '+', ':', '=', '@':
			return false
		}
	}
	return true
}

func escape(s string, query bool) string {
	n := 0 // bytes written as %XX
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; shouldEscape(c, query) {
			plain = false
			if !(query && c == ' ') {
				n++
			}
		}
	}
	if plain {
		return s
	}
	t := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case query && c == ' ':
			t = append(t, '+')
		case shouldEscape(c, query):
			t = append(t, '%', upperhex[c>>4], upperhex[c&15])
		default:
			t = append(t, c)
		}
	}
	return string(t)
}
