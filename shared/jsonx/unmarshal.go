package jsonx

import (
	"encoding"
	"encoding/base64"
	"reflect"
	"strconv"
	"strings"
)

// Unmarshal fills v (a non-nil pointer) from data as json.Unmarshal does: the input must
// parse whole (nothing is filled otherwise); members match fields by name exactly, then
// case-insensitively; unknown members are ignored; null leaves scalars alone and clears
// pointers, maps, slices and interfaces; objects and maps already there are filled in,
// not replaced. A member of the wrong kind (or a number that does not fit) is an *Error
// reported after the rest is filled; an error from an UnmarshalJSON method stops it.
func Unmarshal(data []byte, v any) error {
	root, err := Parse(data)
	if err != nil {
		return err
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		msg := "Unmarshal(nil)"
		if v != nil {
			msg = "Unmarshal(non-pointer " + rv.Type().String() + ")"
			if rv.Kind() == reflect.Pointer {
				msg = "Unmarshal(nil " + rv.Type().String() + ")"
			}
		}
		return &Error{Offset: -1, Msg: msg}
	}
	d := decoder{data: data}
	if err := d.value(root, rv); err != nil {
		return err
	}
	return d.saved
}

type decoder struct {
	data  []byte
	saved error    // the first type error; decoding goes on past it
	path  []string // the struct fields being filled, for errors
}

func (d *decoder) save(err error) {
	if d.saved == nil {
		d.saved = err
	}
}

func (d *decoder) typeError(what string, t reflect.Type, off int) {
	d.save(&Error{Offset: off, Field: strings.Join(d.path, "."), Msg: "cannot unmarshal " + what + " into " + t.String()})
}

func (d *decoder) misuse(item []byte, t reflect.Type, off int) *Error {
	return &Error{Offset: off, Field: strings.Join(d.path, "."),
		Msg: "invalid use of ,string struct tag, trying to unmarshal " + strconv.Quote(string(item)) + " into " + t.String()}
}

func (d *decoder) raw(jv Value) []byte { return d.data[jv.off:jv.end] }

func (d *decoder) value(jv Value, v reflect.Value) error {
	if !v.IsValid() {
		return nil // a member no field takes
	}
	switch jv.kind {
	case Array:
		return d.array(jv, v)
	case Object:
		return d.object(jv, v)
	}
	return d.literal(d.raw(jv), v, false, jv.off)
}

// indirect is encoding/json's: it walks down pointers (allocating nil ones) to a value to
// fill, stopping early at an Unmarshaler or TextUnmarshaler, or, for null, at a pointer
// that can be set to nil. Methods are found by type assertion.
func indirect(v reflect.Value, decodingNull bool) (Unmarshaler, encoding.TextUnmarshaler, reflect.Value) {
	v0 := v
	haveAddr := false
	if v.Kind() != reflect.Pointer && v.Type().Name() != "" && v.CanAddr() {
		haveAddr = true
		v = v.Addr()
	}
	for {
		if v.Kind() == reflect.Interface && !v.IsNil() {
			e := v.Elem()
			if e.Kind() == reflect.Pointer && !e.IsNil() && (!decodingNull || e.Elem().Kind() == reflect.Pointer) {
				haveAddr = false
				v = e
				continue
			}
		}
		if v.Kind() != reflect.Pointer {
			break
		}
		if decodingNull && v.CanSet() {
			break
		}
		if v.Elem().Kind() == reflect.Interface && v.Elem().Elem().Equal(v) {
			v = v.Elem()
			break
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		if v.Type().NumMethod() > 0 && v.CanInterface() {
			if u, ok := v.Interface().(Unmarshaler); ok {
				return u, nil, reflect.Value{}
			}
			if !decodingNull {
				if u, ok := v.Interface().(encoding.TextUnmarshaler); ok {
					return nil, u, reflect.Value{}
				}
			}
		}
		if haveAddr {
			v = v0
			haveAddr = false
		} else {
			v = v.Elem()
		}
	}
	return nil, nil, v
}

func (d *decoder) array(jv Value, v reflect.Value) error {
	u, ut, pv := indirect(v, false)
	if u != nil {
		return u.UnmarshalJSON(d.raw(jv))
	}
	if ut != nil {
		d.typeError("array", v.Type(), jv.off)
		return nil
	}
	v = pv
	switch v.Kind() {
	case reflect.Array, reflect.Slice:
	case reflect.Interface:
		if v.NumMethod() == 0 {
			v.Set(reflect.ValueOf(d.anyArray(jv)))
			return nil
		}
		d.typeError("array", v.Type(), jv.off)
		return nil
	default:
		d.typeError("array", v.Type(), jv.off)
		return nil
	}
	i := 0
	for _, it := range jv.items {
		if v.Kind() == reflect.Slice {
			if i >= v.Cap() {
				v.Grow(1)
			}
			if i >= v.Len() {
				v.SetLen(i + 1)
			}
		}
		if i < v.Len() {
			if err := d.value(it, v.Index(i)); err != nil {
				return err
			}
		}
		i++
	}
	if i < v.Len() {
		if v.Kind() == reflect.Array {
			for ; i < v.Len(); i++ {
				v.Index(i).SetZero()
			}
		} else {
			v.SetLen(i)
		}
	}
	if i == 0 && v.Kind() == reflect.Slice {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	}
	return nil
}

func (d *decoder) object(jv Value, v reflect.Value) error {
	u, ut, pv := indirect(v, false)
	if u != nil {
		return u.UnmarshalJSON(d.raw(jv))
	}
	if ut != nil {
		d.typeError("object", v.Type(), jv.off)
		return nil
	}
	v = pv
	t := v.Type()
	if v.Kind() == reflect.Interface && v.NumMethod() == 0 {
		v.Set(reflect.ValueOf(d.anyObject(jv)))
		return nil
	}
	var fields *structFields
	switch v.Kind() {
	case reflect.Map:
		switch t.Key().Kind() {
		case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			if t.Key().Kind() != reflect.String && reflect.PointerTo(t.Key()).Implements(textUnmarshalerType) {
				// encoding/json would call UnmarshalText for such keys; jsonx does not.
				return &Error{Offset: jv.off, Msg: "map keys with UnmarshalText are not supported: " + t.String()}
			}
		default:
			d.typeError("object", t, jv.off)
			return nil
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(t))
		}
	case reflect.Struct:
		fields = cachedFields(t)
	default:
		d.typeError("object", t, jv.off)
		return nil
	}

	depth := len(d.path)
	defer func() { d.path = d.path[:depth] }()
	var mapElem reflect.Value
	for _, m := range jv.members {
		var subv reflect.Value
		destring := false
		if v.Kind() == reflect.Map {
			if !mapElem.IsValid() {
				mapElem = reflect.New(t.Elem()).Elem()
			} else {
				mapElem.SetZero()
			}
			subv = mapElem
		} else {
			i, ok := fields.byName[m.Key]
			if !ok {
				i, ok = fields.byFold[foldName(m.Key)]
			}
			if ok {
				f := &fields.list[i]
				subv = v
				destring = f.quoted
				for j, ind := range f.index {
					if subv.Kind() == reflect.Pointer {
						if subv.IsNil() {
							if !subv.CanSet() {
								d.save(&Error{Offset: m.Value.off, Msg: "cannot set embedded pointer to unexported struct " + subv.Type().Elem().String()})
								subv = reflect.Value{}
								destring = false
								break
							}
							subv.Set(reflect.New(subv.Type().Elem()))
						}
						subv = subv.Elem()
					}
					if j < len(f.index)-1 {
						d.path = append(d.path, subv.Type().Field(ind).Name)
					}
					subv = subv.Field(ind)
				}
				d.path = append(d.path, f.name)
			}
		}

		if destring {
			switch m.Value.kind {
			case Null:
				if err := d.literal([]byte("null"), subv, false, m.Value.off); err != nil {
					return err
				}
			case String:
				if err := d.literal([]byte(m.Value.s), subv, true, m.Value.off); err != nil {
					return err
				}
			default:
				d.save(&Error{Offset: m.Value.off, Field: strings.Join(d.path, "."),
					Msg: "invalid use of ,string struct tag, trying to unmarshal unquoted value into " + subv.Type().String()})
			}
		} else if err := d.value(m.Value, subv); err != nil {
			return err
		}

		if v.Kind() == reflect.Map {
			kt := t.Key()
			var kv reflect.Value
			switch kt.Kind() {
			case reflect.String:
				kv = reflect.New(kt).Elem()
				kv.SetString(m.Key)
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				n, err := strconv.ParseInt(m.Key, 10, 64)
				if err != nil || kt.OverflowInt(n) {
					d.typeError("number "+m.Key, kt, m.Value.off)
					break
				}
				kv = reflect.New(kt).Elem()
				kv.SetInt(n)
			default:
				n, err := strconv.ParseUint(m.Key, 10, 64)
				if err != nil || kt.OverflowUint(n) {
					d.typeError("number "+m.Key, kt, m.Value.off)
					break
				}
				kv = reflect.New(kt).Elem()
				kv.SetUint(n)
			}
			if kv.IsValid() {
				v.SetMapIndex(kv, subv)
			}
		}
		d.path = d.path[:depth]
	}
	return nil
}

// unquote decodes item, which must be exactly one JSON string.
func unquote(item []byte) (string, bool) {
	p := parser{b: item, quoteEscape: true}
	if len(item) == 0 || item[0] != '"' {
		return "", false
	}
	s, err := p.str()
	return s, err == nil && p.i == len(item)
}

// literal is encoding/json's literalStore: item is a null, boolean, string or number, from
// the input or (fromQuoted) from inside a ",string" member's string.
func (d *decoder) literal(item []byte, v reflect.Value, fromQuoted bool, off int) error {
	if len(item) == 0 {
		d.save(d.misuse(item, v.Type(), off))
		return nil
	}
	isNull := item[0] == 'n'
	u, ut, pv := indirect(v, isNull)
	if u != nil {
		return u.UnmarshalJSON(item)
	}
	if ut != nil {
		if item[0] != '"' {
			if fromQuoted {
				d.save(d.misuse(item, v.Type(), off))
				return nil
			}
			what := "number"
			switch item[0] {
			case 'n':
				what = "null"
			case 't', 'f':
				what = "bool"
			}
			d.typeError(what, v.Type(), off)
			return nil
		}
		s, ok := unquote(item)
		if !ok {
			return d.misuse(item, v.Type(), off)
		}
		return ut.UnmarshalText([]byte(s))
	}
	v = pv

	switch c := item[0]; c {
	case 'n':
		if fromQuoted && string(item) != "null" {
			d.save(d.misuse(item, v.Type(), off))
			break
		}
		switch v.Kind() {
		case reflect.Interface, reflect.Pointer, reflect.Map, reflect.Slice:
			v.SetZero()
		}
	case 't', 'f':
		value := c == 't'
		if fromQuoted && string(item) != "true" && string(item) != "false" {
			d.save(d.misuse(item, v.Type(), off))
			break
		}
		switch v.Kind() {
		default:
			if fromQuoted {
				d.save(d.misuse(item, v.Type(), off))
			} else {
				d.typeError("bool", v.Type(), off)
			}
		case reflect.Bool:
			v.SetBool(value)
		case reflect.Interface:
			if v.NumMethod() == 0 {
				v.Set(reflect.ValueOf(value))
			} else {
				d.typeError("bool", v.Type(), off)
			}
		}
	case '"':
		s, ok := unquote(item)
		if !ok {
			return d.misuse(item, v.Type(), off)
		}
		switch v.Kind() {
		default:
			d.typeError("string", v.Type(), off)
		case reflect.Slice:
			if v.Type().Elem().Kind() != reflect.Uint8 {
				d.typeError("string", v.Type(), off)
				break
			}
			b := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
			n, err := base64.StdEncoding.Decode(b, []byte(s))
			if err != nil {
				d.save(&Error{Offset: off, Field: strings.Join(d.path, "."), Msg: "bad base64", Err: err})
				break
			}
			v.SetBytes(b[:n])
		case reflect.String:
			if v.Type() == numberType && !validNumber(s) {
				return &Error{Offset: off, Field: strings.Join(d.path, "."), Msg: "invalid number literal " + strconv.Quote(string(item))}
			}
			v.SetString(s)
		case reflect.Interface:
			if v.NumMethod() == 0 {
				v.Set(reflect.ValueOf(s))
			} else {
				d.typeError("string", v.Type(), off)
			}
		}
	default: // a number
		if c != '-' && (c < '0' || c > '9') {
			return d.misuse(item, v.Type(), off)
		}
		s := string(item)
		switch v.Kind() {
		default:
			if v.Kind() == reflect.String && v.Type() == numberType {
				v.SetString(s)
				break
			}
			if fromQuoted {
				return d.misuse(item, v.Type(), off)
			}
			d.typeError("number", v.Type(), off)
		case reflect.Interface:
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				d.typeError("number "+s, reflect.TypeFor[float64](), off)
				break
			}
			if v.NumMethod() != 0 {
				d.typeError("number", v.Type(), off)
				break
			}
			v.Set(reflect.ValueOf(f))
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || v.OverflowInt(n) {
				d.typeError("number "+s, v.Type(), off)
				break
			}
			v.SetInt(n)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			n, err := strconv.ParseUint(s, 10, 64)
			if err != nil || v.OverflowUint(n) {
				d.typeError("number "+s, v.Type(), off)
				break
			}
			v.SetUint(n)
		case reflect.Float32, reflect.Float64:
			n, err := strconv.ParseFloat(s, v.Type().Bits())
			if err != nil || v.OverflowFloat(n) {
				d.typeError("number "+s, v.Type(), off)
				break
			}
			v.SetFloat(n)
		}
	}
	return nil
}

// anyValue is what encoding/json puts in an empty interface: map[string]any, []any,
// float64, string, bool or nil.
func (d *decoder) anyValue(jv Value) any {
	switch jv.kind {
	case Array:
		return d.anyArray(jv)
	case Object:
		return d.anyObject(jv)
	case Bool:
		return jv.s != ""
	case String:
		return jv.s
	case Number:
		f, err := strconv.ParseFloat(jv.s, 64)
		if err != nil {
			d.typeError("number "+jv.s, reflect.TypeFor[float64](), jv.off)
			return nil
		}
		return f
	}
	return nil
}

func (d *decoder) anyArray(jv Value) []any {
	out := make([]any, 0, len(jv.items))
	for _, it := range jv.items {
		out = append(out, d.anyValue(it))
	}
	return out
}

func (d *decoder) anyObject(jv Value) map[string]any {
	out := make(map[string]any, len(jv.members))
	for _, m := range jv.members {
		out[m.Key] = d.anyValue(m.Value)
	}
	return out
}
