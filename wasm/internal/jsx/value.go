//go:build js && wasm

package jsx

import (
	"errors"

	"github.com/hack-pad/safejs"

	"github.com/ferry-upload/ferry/shared/jsonx"
)

// global returns globalThis[name].
func global(name string) (safejs.Value, error) { return safejs.Global().Get(name) }

// construct calls new globalThis[name](args...).
func construct(name string, args ...any) (safejs.Value, error) {
	c, err := global(name)
	if err != nil {
		return safejs.Value{}, err
	}
	return c.New(args...)
}

// object returns a new plain object with the given properties.
func object(props map[string]any) (safejs.Value, error) {
	o, err := construct("Object")
	if err != nil {
		return o, err
	}
	for k, v := range props {
		if err := o.Set(k, v); err != nil {
			return o, err
		}
	}
	return o, nil
}

// getString returns v[prop] as a string ("" when it is not one).
func getString(v safejs.Value, prop string) string {
	p, err := v.Get(prop)
	if err != nil || p.Type() != safejs.TypeString {
		return ""
	}
	s, _ := p.String()
	return s
}

// getNumber returns v[prop] as a number.
func getNumber(v safejs.Value, prop string) (float64, error) {
	p, err := v.Get(prop)
	if err != nil {
		return 0, err
	}
	if p.Type() != safejs.TypeNumber {
		return 0, errors.New("jsx: " + prop + " is not a number")
	}
	return p.Float()
}

// toUint8Array copies b into a new Uint8Array.
func toUint8Array(b []byte) (safejs.Value, error) {
	u, err := construct("Uint8Array", len(b))
	if err != nil {
		return u, err
	}
	_, err = safejs.CopyBytesToJS(u, b)
	return u, err
}

// bytesOf copies an ArrayBuffer or a typed array into Go.
func bytesOf(v safejs.Value) ([]byte, error) {
	u, err := construct("Uint8Array", v)
	if err != nil {
		return nil, err
	}
	n, err := u.Length()
	if err != nil {
		return nil, err
	}
	b := make([]byte, n)
	_, err = safejs.CopyBytesToGo(b, u)
	return b, err
}

// ToJS turns v into a JavaScript value: its hand-written JSON, through JSON.parse.
func ToJS(v jsonx.Encoder) (safejs.Value, error) {
	j, err := global("JSON")
	if err != nil {
		return safejs.Value{}, err
	}
	return j.Call("parse", string(jsonx.Encode(v)))
}

// FromJS decodes a JavaScript value into out (through JSON.stringify). Blobs and functions
// inside it are left out.
func FromJS(v safejs.Value, out jsonx.Decoder) error {
	j, err := global("JSON")
	if err != nil {
		return err
	}
	s, err := j.Call("stringify", v)
	if err != nil {
		return err
	}
	if s.Type() != safejs.TypeString {
		return errors.New("jsx: the value has no JSON form")
	}
	str, err := s.String()
	if err != nil {
		return err
	}
	return jsonx.Decode([]byte(str), out)
}
