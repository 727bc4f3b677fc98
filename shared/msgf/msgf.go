// Package msgf formats the browser module's messages without package fmt, which (with what
// it pulls in: os, internal/fmtsort) weighs about 60 KB gzip in ferry.wasm (issue 12).
//
// Sprintf understands the verbs Ferry's messages use, and renders them as fmt does:
//
//	%s  a string, an error (Error()), a Stringer (String()), or a []string as [a b]
//	%q  the same, quoted with strconv.Quote; an integer as a quoted character, as fmt does
//	%d  any integer type
//	%v  as %s for the kinds above, as %d for integers, "true"/"false" for bools
//	%%  a percent sign
//
// A mistake (another verb, an operand of another type, missing or extra operands) is
// rendered the way fmt marks one, e.g. %!x(int=5), %!d(MISSING) or %!(EXTRA int=1), so a wrong
// call shows in the message instead of failing; for operand types outside the list above the
// mark reads "?" where fmt would print the type and value. Flags and widths are not
// supported: "%5d" is the mistake %!5(int=…). A differential fuzz test keeps the rest equal
// to fmt.
package msgf

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Sprintf formats like fmt.Sprintf for the verbs above.
func Sprintf(format string, args ...any) string {
	var b strings.Builder
	b.Grow(len(format) + 16*len(args))
	next := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(format) {
			b.WriteString("%!(NOVERB)")
			break
		}
		i++
		verb := format[i]
		if verb == '%' {
			b.WriteByte('%')
			continue
		}
		if next >= len(args) {
			b.WriteString("%!" + string(verb) + "(MISSING)")
			continue
		}
		arg := args[next]
		next++
		if s, ok := render(verb, arg); ok {
			b.WriteString(s)
		} else if arg == nil {
			b.WriteString("%!" + string(verb) + "(<nil>)")
		} else {
			b.WriteString("%!" + string(verb) + "(" + typeName(arg) + "=" + plain(arg) + ")")
		}
	}
	if next < len(args) {
		b.WriteString("%!(EXTRA ")
		for i, a := range args[next:] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(typeName(a) + "=" + plain(a))
		}
		b.WriteByte(')')
	}
	return b.String()
}

// render is arg under verb, or false when fmt would call it a mistake (or this package
// does not know the operand's type).
func render(verb byte, arg any) (string, bool) {
	if n, ok := integer(arg); ok {
		switch verb {
		case 'd', 'v':
			return n, true
		case 'q': // a character literal, as fmt renders an integer under %q
			r := rune(utf8.RuneError)
			if u, neg, _ := uint64Of(arg); !neg && u <= utf8.MaxRune {
				r = rune(u)
			}
			return strconv.QuoteRune(r), true
		}
		return "", false
	}
	s, ok := text(arg)
	if !ok {
		if v, isBool := arg.(bool); isBool && verb == 'v' {
			return strconv.FormatBool(v), true
		}
		return "", false
	}
	switch verb {
	case 's', 'v':
		return s, true
	case 'q':
		if l, isList := arg.([]string); isList {
			q := make([]string, len(l))
			for i, e := range l {
				q[i] = strconv.Quote(e)
			}
			return "[" + strings.Join(q, " ") + "]", true
		}
		return strconv.Quote(s), true
	}
	return "", false
}

func text(arg any) (string, bool) {
	switch v := arg.(type) {
	case string:
		return v, true
	case error:
		return v.Error(), true
	case interface{ String() string }:
		return v.String(), true
	case []string:
		return "[" + strings.Join(v, " ") + "]", true
	}
	return "", false
}

// integer is an integer operand in decimal; false for any other operand.
func integer(arg any) (string, bool) {
	u, neg, ok := uint64Of(arg)
	switch {
	case !ok:
		return "", false
	case neg:
		return "-" + strconv.FormatUint(-u, 10), true
	}
	return strconv.FormatUint(u, 10), true
}

// uint64Of is an integer operand's two's-complement value and whether it is negative; ok is
// false for any other operand.
func uint64Of(arg any) (u uint64, neg, ok bool) {
	switch v := arg.(type) {
	case int:
		return uint64(v), v < 0, true
	case int8:
		return uint64(v), v < 0, true
	case int16:
		return uint64(v), v < 0, true
	case int32:
		return uint64(v), v < 0, true
	case int64:
		return uint64(v), v < 0, true
	case uint:
		return uint64(v), false, true
	case uint8:
		return uint64(v), false, true
	case uint16:
		return uint64(v), false, true
	case uint32:
		return uint64(v), false, true
	case uint64:
		return v, false, true
	}
	return 0, false, false
}

// plain is an operand as %v renders it inside a mistake's %!verb(type=value).
func plain(arg any) string {
	if arg == nil {
		return "<nil>"
	}
	if s, ok := render('v', arg); ok {
		return s
	}
	return "?"
}

func typeName(arg any) string {
	switch arg.(type) {
	case nil:
		return "<nil>"
	case string:
		return "string"
	case int:
		return "int"
	case int8:
		return "int8"
	case int16:
		return "int16"
	case int32:
		return "int32"
	case int64:
		return "int64"
	case uint:
		return "uint"
	case uint8:
		return "uint8"
	case uint16:
		return "uint16"
	case uint32:
		return "uint32"
	case uint64:
		return "uint64"
	case bool:
		return "bool"
	case []string:
		return "[]string"
	}
	return "?"
}
