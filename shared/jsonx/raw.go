package jsonx

import "errors"

// RawMessage is encoded JSON kept verbatim, as json.RawMessage: Unmarshal stores a value's
// own bytes in it, Marshal writes it back (compacted, nil as null).
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

// NumberText is a number's literal text, as json.Number: Unmarshal stores a number (or a
// string holding one) as it is written, Marshal writes it unquoted ("" as 0).
type NumberText string

func (n NumberText) String() string { return string(n) }
