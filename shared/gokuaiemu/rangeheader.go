package gokuaiemu

import "strconv"

// ParseRange reads x-gk-upload-range: "start-end", decimal, both inclusive, start <= end.
func ParseRange(s string) (start, end int64, ok bool) {
	a, b, found := cutDash(s)
	if !found {
		return 0, 0, false
	}
	s0, err1 := strconv.ParseUint(a, 10, 63)
	e0, err2 := strconv.ParseUint(b, 10, 63)
	if err1 != nil || err2 != nil || s0 > e0 || !digits(a) || !digits(b) {
		return 0, 0, false
	}
	return int64(s0), int64(e0), true
}

func cutDash(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '-' {
			return s[:i], s[i+1:], true
		}
	}
	return "", "", false
}

// digits: ParseUint takes a '+' nowhere, but "0x" and '_' only with base 0; stay explicit.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
