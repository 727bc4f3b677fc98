package urlx

// validIPv6 reports whether s is an IPv6 address netip.ParseAddr accepts, zones excluded:
// hex groups of at most four digits, at most one "::" standing for at least one zero
// group, and optionally a dotted IPv4 address (no leading zeros) in place of the last two.
func validIPv6(s string) bool {
	groups, ellipsis := 0, false // groups of 16 bits
	if len(s) >= 2 && s[0] == ':' && s[1] == ':' {
		ellipsis, s = true, s[2:]
		if s == "" {
			return true
		}
	}
	for groups < 8 {
		n := 0
		for n < len(s) && ishex(s[n]) {
			if n++; n > 4 {
				return false
			}
		}
		if n == 0 {
			return false
		}
		if n < len(s) && s[n] == '.' {
			if !ellipsis && groups != 6 || groups > 6 || !validIPv4(s) {
				return false
			}
			groups, s = groups+2, ""
			break
		}
		groups++
		if s = s[n:]; s == "" {
			break
		}
		if s[0] != ':' || len(s) == 1 {
			return false
		}
		s = s[1:]
		if s[0] == ':' {
			if ellipsis {
				return false
			}
			ellipsis, s = true, s[1:]
			if s == "" {
				break
			}
		}
	}
	if s != "" {
		return false
	}
	if groups < 8 {
		return ellipsis
	}
	return !ellipsis
}

// validIPv4 is netip's dotted quad: four fields of 0-255, no leading zeros, nothing else.
func validIPv4(s string) bool {
	fields, val, digits := 0, 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			if digits == 1 && val == 0 {
				return false
			}
			val, digits = val*10+int(c-'0'), digits+1
			if val > 255 {
				return false
			}
		case c == '.':
			if i == 0 || i == len(s)-1 || s[i-1] == '.' || fields == 3 {
				return false
			}
			fields, val, digits = fields+1, 0, 0
		default:
			return false
		}
	}
	return fields == 3
}
