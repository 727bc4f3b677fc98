package emukit

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
)

// Call is one request being served.
type Call struct {
	w     *statusWriter
	r     *http.Request
	id    string
	body  io.ReadCloser
	route Route
}

// Writer is where the answer goes. It counts the request in the stats before its client
// can see any of the answer.
func (c *Call) Writer() http.ResponseWriter { return c.w }

// Request is the request as net/http delivered it.
func (c *Call) Request() *http.Request { return c.r }

// ID is the request id, also sent as X-Request-Id.
func (c *Call) ID() string { return c.id }

// Body is the request body to read: on the data plane it counts the bytes read (the
// request's own Body stays as it is, so that net/http can still tell how much of it is
// unread when an answer comes early).
func (c *Call) Body() io.ReadCloser { return c.body }

// Plane is the plane of the request's route (PlaneControl while Provider.Route runs).
func (c *Call) Plane() Plane { return c.route.Plane }

// RouteName is the stats key of the request's route ("" while Provider.Route runs).
func (c *Call) RouteName() string { return c.route.Name }

// MaxJSONBody caps the JSON bodies ReadJSON reads.
const MaxJSONBody = 1 << 20

// JSON answers with a JSON body (none for HEAD).
func (c *Call) JSON(status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	c.w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	c.w.WriteHeader(status)
	if c.r.Method != http.MethodHead {
		_, _ = c.w.Write(b)
	}
	return nil
}

// Empty answers with a status and no body.
func (c *Call) Empty(status int) error {
	c.w.WriteHeader(status)
	return nil
}

// ReadJSON decodes an optional JSON body into v. An empty body leaves v as it is and
// reports false. Unknown fields are ignored unless strict. Errors are ErrInvalidParameter.
func (c *Call) ReadJSON(v any, strict bool) (bool, error) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, c.body, MaxJSONBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return false, ErrInvalidParameter.With("the request body is larger than %d bytes", MaxJSONBody)
		}
		return false, ErrInvalidParameter.With("reading the request body: %v", err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return false, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return false, ErrInvalidParameter.With("the request body is not valid JSON for this call: %v", err)
	}
	if dec.More() {
		return false, ErrInvalidParameter.With("the request body holds more than one JSON value")
	}
	return true, nil
}

// statusWriter records the status written (or the fault outcome) for stats and logs.
// Unwrap lets http.ResponseController reach Hijack and Flush underneath.
type statusWriter struct {
	http.ResponseWriter
	status   int
	fault    string // "reset" or "stall" when the connection was taken over
	injected bool   // the answer is an injected fault
	// record counts the request in the stats; commit calls it once.
	record    func(outcome string, injected bool)
	committed bool
}

// commit counts the request with its outcome, once, before its client can see any of it:
// before the status line goes out, before a faulted connection is dropped. (Counting after
// the handler returned let a client see an answer, or a reset, not yet in the stats.)
func (w *statusWriter) commit() {
	if w.committed {
		return
	}
	w.committed = true
	if w.record != nil {
		w.record(w.outcome(), w.injected)
	}
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		w.commit()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
		w.commit()
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) outcome() string {
	switch {
	case w.fault != "":
		return w.fault
	case w.status == 0:
		return "200"
	}
	return strconv.Itoa(w.status)
}
