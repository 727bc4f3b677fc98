package emukit

import (
	"fmt"
	"net/http"
)

// Error is an error answer of an emulated service: the HTTP status and the stable code
// clients act upon. Errors compare equal (errors.Is) when their codes are equal. A
// provider declares its service's codes as *Error values and renders every error in its
// service's shape (Provider.WriteError).
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("emulator: %s (HTTP %d): %s", e.Code, e.Status, e.Message)
}

// Is reports whether target is an *Error with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// With returns a copy of e with a more specific message.
func (e *Error) With(format string, args ...any) *Error {
	c := *e
	c.Message = fmt.Sprintf(format, args...)
	return &c
}

// NewError declares an error of a service.
func NewError(status int, code, message string) *Error {
	return &Error{Status: status, Code: code, Message: message}
}

// The errors the kit answers itself (malformed test-control requests, injected faults). A
// provider whose service spells them otherwise maps these codes in WriteError.
var (
	ErrInvalidParameter   = NewError(http.StatusBadRequest, "InvalidParameter", "a parameter is not valid")
	ErrRouteNotFound      = NewError(http.StatusNotFound, "RouteNotFound", "no such route")
	ErrMethodNotAllowed   = NewError(http.StatusMethodNotAllowed, "MethodNotAllowed", "method not allowed")
	ErrInternal           = NewError(http.StatusInternalServerError, "InternalError", "internal error")
	ErrServiceUnavailable = NewError(http.StatusServiceUnavailable, "ServiceUnavailable", "service unavailable")
)
