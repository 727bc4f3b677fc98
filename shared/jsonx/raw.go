package jsonx

import "errors"

// RawMessage is encoded JSON, as json.RawMessage: Fields.Raw stores a member's value in it
// (compact), Writer.RawMember writes it back (nil as null). Its methods let encoding/json
// handle the types that hold one as json.RawMessage (the differential tests).
type RawMessage []byte

func (m RawMessage) MarshalJSON() ([]byte, error) {
	if m == nil {
		return []byte("null"), nil
	}
	return m, nil
}

func (m *RawMessage) UnmarshalJSON(data []byte) error {
	if m == nil {
		return errors.New("jsonx.RawMessage: UnmarshalJSON on nil pointer")
	}
	*m = append((*m)[0:0], data...)
	return nil
}
