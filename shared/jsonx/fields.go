package jsonx

// Fields reads an object's members the way json.Unmarshal fills a struct: a member that is
// missing or null leaves the zero value and is no error; a member of the wrong kind (or a
// number that does not fit) is, and the first such error is kept for Err. Fields reached
// from one another (Object, Read) share that error, so a whole message is read and then
// checked once. Names match exactly (json.Unmarshal would also fill a struct field from a
// member whose name differs only in case):
//
//	f := jsonx.Read(v)
//	up := f.Object("upload")
//	id, size := up.Str("id"), up.Int64("partSize")
//	for _, t := range up.Array("targets") { ... f.Read(t).Str("url") ... }
//	if err := f.Err(); err != nil { ... }
type Fields struct {
	v   Value
	err *error
}

// Read starts reading v, which must be an object, null or Absent.
func Read(v Value) Fields {
	return Fields{err: new(error)}.Read(v)
}

// Read reads another object (an array's item, say) sharing f's error.
func (f Fields) Read(v Value) Fields {
	if v.kind != Object && v.kind != Null && v.kind != Absent {
		f.fail(v, "want an object")
		v = Value{}
	}
	return Fields{v: v, err: f.err}
}

// Err is the first error met by f or the Fields sharing its error.
func (f Fields) Err() error { return *f.err }

func (f Fields) fail(v Value, msg string) {
	if *f.err == nil {
		*f.err = &Error{Offset: v.off, Msg: msg}
	}
}

// member is the member named key when it holds a value of kind k; the zero Value when it
// is missing or null; an error otherwise.
func (f Fields) member(key string, k Kind, want string) Value {
	v := f.v.Get(key)
	switch v.kind {
	case k:
		return v
	case Absent, Null:
	default:
		f.fail(v, key+": want "+want)
	}
	return Value{}
}

// Fail records that the member named key holds what the reader cannot take (a decoder's
// own check: a size in a string that is not a number, say), unless an error came first.
func (f Fields) Fail(key, want string) { f.fail(f.v.Get(key), key+": want "+want) }

// Value is the member named key as it is (Absent when missing).
func (f Fields) Value(key string) Value { return f.v.Get(key) }

func (f Fields) Object(key string) Fields { return f.Read(f.member(key, Object, "an object")) }
func (f Fields) Array(key string) []Value { return f.member(key, Array, "an array").items }
func (f Fields) Str(key string) string    { return f.member(key, String, "a string").s }
func (f Fields) Bool(key string) bool     { return f.member(key, Bool, "a boolean").s != "" }

func (f Fields) Int64(key string) int64 {
	v := f.member(key, Number, "an integer")
	n, ok := v.Int64()
	if !ok && v.kind == Number {
		f.fail(v, key+": want an int64")
	}
	return n
}

func (f Fields) Uint64(key string) uint64 {
	v := f.member(key, Number, "an integer")
	n, ok := v.Uint64()
	if !ok && v.kind == Number {
		f.fail(v, key+": want a uint64")
	}
	return n
}

func (f Fields) Float64(key string) float64 {
	v := f.member(key, Number, "a number")
	n, ok := v.Float64()
	if !ok && v.kind == Number {
		f.fail(v, key+": want a float64")
	}
	return n
}
