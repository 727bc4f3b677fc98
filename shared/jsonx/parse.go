package jsonx

import (
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting: 512 nested arrays/objects parse, 513 do not. encoding/json allows
// 10000, but parsing recurses, and in wasm that deep a recursion overflows the worker's stack
// (Node crashed at 10000); Ferry's messages nest a handful of levels.
const maxDepth = 512

// Parse parses one JSON value, with optional surrounding whitespace. It accepts exactly what
// json.Valid accepts, and decodes strings as json.Unmarshal does (bad UTF-8 and lone
// surrogates become U+FFFD).
func Parse(b []byte) (Value, error) {
	p := parser{b: b}
	p.space()
	v, err := p.value(0)
	if err != nil {
		return Value{}, err
	}
	p.space()
	if p.i < len(b) {
		return Value{}, p.fail("data after the value")
	}
	return v, nil
}

type parser struct {
	b []byte
	i int
	// quoteEscape accepts \' in strings: encoding/json's unquote does, for the string inside a
	// ",string" member (its scanner refuses it everywhere else).
	quoteEscape bool
}

func (p *parser) fail(msg string) *Error { return &Error{Offset: p.i, Msg: msg} }

func (p *parser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// value parses the value at p.i and records where it ends (Unmarshal hands an Unmarshaler
// the value's own bytes).
func (p *parser) value(depth int) (Value, error) {
	v, err := p.value1(depth)
	v.end = p.i
	return v, err
}

func (p *parser) value1(depth int) (Value, error) {
	if p.i >= len(p.b) {
		return Value{}, p.fail("unexpected end of input")
	}
	start := p.i
	switch c := p.b[p.i]; {
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return Value{}, p.fail("nesting too deep")
		}
		if c == '{' {
			return p.object(depth + 1)
		}
		return p.array(depth + 1)
	case c == '"':
		s, err := p.str()
		return Value{kind: String, off: start, s: s}, err
	case c == '-' || c >= '0' && c <= '9':
		if err := p.number(); err != nil {
			return Value{}, err
		}
		return Value{kind: Number, off: start, s: string(p.b[start:p.i])}, nil
	}
	for _, l := range [...]struct {
		word string
		v    Value
	}{{"null", Value{kind: Null}}, {"true", Value{kind: Bool, s: "true"}}, {"false", Value{kind: Bool}}} {
		if len(p.b)-p.i >= len(l.word) && string(p.b[p.i:p.i+len(l.word)]) == l.word {
			p.i += len(l.word)
			l.v.off = start
			return l.v, nil
		}
	}
	return Value{}, p.fail("invalid character")
}

func (p *parser) object(depth int) (Value, error) {
	v := Value{kind: Object, off: p.i, members: []Member{}}
	p.i++
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return v, nil
	}
	for {
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return Value{}, p.fail("expected a member name")
		}
		k, err := p.str()
		if err != nil {
			return Value{}, err
		}
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return Value{}, p.fail("expected ':'")
		}
		p.i++
		p.space()
		m, err := p.value(depth)
		if err != nil {
			return Value{}, err
		}
		v.members = append(v.members, Member{k, m})
		if done, err := p.next('}'); done || err != nil {
			return v, err
		}
	}
}

func (p *parser) array(depth int) (Value, error) {
	v := Value{kind: Array, off: p.i, items: []Value{}}
	p.i++
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return v, nil
	}
	for {
		it, err := p.value(depth)
		if err != nil {
			return Value{}, err
		}
		v.items = append(v.items, it)
		if done, err := p.next(']'); done || err != nil {
			return v, err
		}
	}
}

// next consumes what follows a container's element: a comma (then the whitespace before
// the next element) or the closing byte.
func (p *parser) next(end byte) (done bool, err error) {
	p.space()
	if p.i < len(p.b) {
		switch p.b[p.i] {
		case ',':
			p.i++
			p.space()
			return false, nil
		case end:
			p.i++
			return true, nil
		}
	}
	return true, p.fail("expected ',' or '" + string(end) + "'")
}

// number checks a number against the JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *parser) number() error {
	if p.b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.b) && p.b[p.i] == '0':
		p.i++
	case !p.digits():
		return p.fail("invalid number")
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if !p.digits() {
			return p.fail("invalid number")
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if !p.digits() {
			return p.fail("invalid number")
		}
	}
	return nil
}

func (p *parser) digits() bool {
	start := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	return p.i > start
}

// str reads a string at p.i (its opening quote) and returns its text, unescaped as
// encoding/json does.
func (p *parser) str() (string, error) {
	p.i++
	start := p.i
	// Fast path: nothing to unescape or replace.
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			p.i++
			return string(p.b[start : p.i-1]), nil
		}
		if c == '\\' || c < ' ' {
			break
		}
		if c < utf8.RuneSelf {
			p.i++
			continue
		}
		r, n := utf8.DecodeRune(p.b[p.i:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		p.i += n
	}
	out := append([]byte(nil), p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return string(out), nil
		case c < ' ':
			return "", p.fail("control character in string")
		case c == '\\':
			if p.i+1 >= len(p.b) {
				return "", p.fail("unexpected end of input")
			}
			p.i++
			switch e := p.b[p.i]; e {
			case '"', '\\', '/':
				out = append(out, e)
			case '\'':
				if !p.quoteEscape {
					return "", p.fail("invalid escape")
				}
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r := p.hex4(p.i + 1)
				if r < 0 {
					return "", p.fail("invalid \\u escape")
				}
				p.i += 4
				if utf16.IsSurrogate(r) {
					// A pair is consumed whole; anything else leaves the next escape alone
					// and this one becomes U+FFFD, as in encoding/json.
					d := utf8.RuneError
					if p.i+2 < len(p.b) && p.b[p.i+1] == '\\' && p.b[p.i+2] == 'u' {
						if d = utf16.DecodeRune(r, p.hex4(p.i+3)); d != utf8.RuneError {
							p.i += 6
						}
					}
					r = d
				}
				out = utf8.AppendRune(out, r)
			default:
				return "", p.fail("invalid escape")
			}
			p.i++
		case c < utf8.RuneSelf:
			out = append(out, c)
			p.i++
		default:
			r, n := utf8.DecodeRune(p.b[p.i:])
			out = utf8.AppendRune(out, r)
			p.i += n
		}
	}
	return "", p.fail("unexpected end of input")
}

// hex4 is the value of the four hex digits at b[i:], or -1.
func (p *parser) hex4(i int) rune {
	if i+4 > len(p.b) {
		return -1
	}
	var r rune
	for _, c := range p.b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}
