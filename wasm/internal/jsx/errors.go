//go:build js && wasm

package jsx

import (
	"errors"

	"github.com/hack-pad/safejs"
)

// JSError is a JavaScript error (a rejection or an exception): its name — a DOMException's
// ("NotReadableError", "AbortError", "NotFoundError") or an error class ("TypeError") — and its
// message. Errors compare equal (errors.Is) by name.
type JSError struct {
	Name    string
	Message string
}

func (e *JSError) Error() string {
	if e.Message == "" {
		return e.Name
	}
	return e.Name + ": " + e.Message
}

// Is compares names.
func (e *JSError) Is(target error) bool {
	var t *JSError
	return errors.As(target, &t) && t.Name == e.Name
}

// errorFrom turns a rejection reason into an error.
func errorFrom(v safejs.Value) error {
	if v.Type() == safejs.TypeObject && !v.IsNull() {
		name, msg := getString(v, "name"), getString(v, "message")
		if name != "" || msg != "" {
			if name == "" {
				name = "Error"
			}
			return &JSError{Name: name, Message: msg}
		}
	}
	if s, err := v.String(); err == nil {
		return &JSError{Name: "Error", Message: s}
	}
	return &JSError{Name: "Error", Message: "unknown JavaScript error"}
}
