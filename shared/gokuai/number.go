package gokuai

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
)

// Int is an integer the service may send as a JSON number (12, 1.2e1) or as a string
// ("12"); null and "" read as 0. Anything else (a fraction, a boolean, an out-of-range
// value) is an error rather than a guess. It marshals as a JSON number.
type Int int64

// errNotInt is what a value that is not an integer decodes to.
var errNotInt = errors.New("gokuai: not an integer")

// maxExactFloat bounds integral values written in float syntax: beyond 2^53 a float64
// no longer holds every integer, so such a value could decode to a neighbour.
const maxExactFloat = 1 << 53

func (n *Int) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*n = 0
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return errNotInt
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*n = 0
			return nil
		}
	}
	v, err := ParseInt(s)
	if err != nil {
		return err
	}
	*n = Int(v)
	return nil
}

// ParseInt reads an integer as Int does from a JSON number or the inside of a string.
func ParseInt(s string) (int64, error) {
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v, nil
	}
	// Float syntax ("3.0", "1e3") for an exactly integral value is an integer too.
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > maxExactFloat || !isNumberSyntax(s) {
		return 0, errNotInt
	}
	return int64(f), nil
}

// isNumberSyntax refuses what ParseFloat takes but JSON does not write: "Inf", "NaN",
// hex floats, underscores, a leading '+'.
func isNumberSyntax(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '-' && (i == 0 || s[i-1] == 'e' || s[i-1] == 'E') ||
			c == '.' || c == 'e' || c == 'E' || c == '+' && i > 0 && (s[i-1] == 'e' || s[i-1] == 'E')) {
			return false
		}
	}
	return s != "" && s != "-"
}

func (n Int) MarshalJSON() ([]byte, error) { return strconv.AppendInt(nil, int64(n), 10), nil }

// Text is a string the service may send as a JSON string or as a number (an out_id of
// digits arrives either way); null reads as "". A number keeps its JSON spelling.
type Text string

func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*t = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
	default:
		var num json.Number
		if err := json.Unmarshal(b, &num); err != nil {
			return errors.New("gokuai: not a string or a number")
		}
		*t = Text(num)
	}
	return nil
}
