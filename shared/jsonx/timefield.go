package jsonx

import "time"

// Time writes t as encoding/json writes a time.Time (RFC 3339 with nanoseconds). Through
// AppendFormat, which the browser build links anyway (time.Time.String): no time.Parse.
func (w *Writer) Time(k string, t time.Time) {
	w.Key(k)
	w.sep()
	w.b = append(w.b, '"')
	w.b = t.AppendFormat(w.b, time.RFC3339Nano)
	w.b = append(w.b, '"')
}

// Time reads what encoding/json reads into a time.Time: an RFC 3339 string
// (YYYY-MM-DDTHH:MM:SS, an optional fraction of 1 or more digits, then Z or ±HH:MM). A
// missing or null member is the zero time. A hand-written reader, so that the browser build
// does not link time.Parse (~35 KB of wasm).
func (f Fields) Time(key string) time.Time {
	v := f.member(key, String, "an RFC 3339 time")
	if v.kind != String {
		return time.Time{}
	}
	t, ok := parseRFC3339(v.s)
	if !ok {
		f.fail(v, key+": want an RFC 3339 time")
	}
	return t
}

func parseRFC3339(s string) (time.Time, bool) {
	num := func(i, n int) (int, bool) {
		if i+n > len(s) {
			return 0, false
		}
		x := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			x = x*10 + int(c-'0')
		}
		return x, true
	}
	sepAt := func(i int, c byte) bool { return i < len(s) && s[i] == c }
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 2)
	day, ok3 := num(8, 2)
	hour, ok4 := num(11, 2)
	min, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || !sepAt(4, '-') || !sepAt(7, '-') || !sepAt(10, 'T') ||
		!sepAt(13, ':') || !sepAt(16, ':') {
		return time.Time{}, false
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || min > 59 || sec > 59 {
		return time.Time{}, false
	}
	i, nsec := 19, 0
	if sepAt(i, '.') {
		i++
		digits := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if digits < 9 {
				nsec = nsec*10 + int(s[i]-'0')
			}
			digits++
			i++
		}
		if digits == 0 {
			return time.Time{}, false
		}
		for ; digits < 9; digits++ { // more than 9 digits are cut, as time.Parse does
			nsec *= 10
		}
	}
	t := time.Date(year, time.Month(month), day, hour, min, sec, nsec, time.UTC)
	switch {
	case i+1 == len(s) && s[i] == 'Z':
		return t, true
	case i+6 == len(s) && (s[i] == '+' || s[i] == '-') && s[i+3] == ':':
		oh, ok1 := num(i+1, 2)
		om, ok2 := num(i+4, 2)
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		off := (oh*60 + om) * 60
		if s[i] == '-' {
			off = -off
		}
		return t.Add(-time.Duration(off) * time.Second).In(time.FixedZone("", off)), true
	}
	return time.Time{}, false
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
