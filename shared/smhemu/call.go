package smhemu

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
)

// call is one request being served.
type call struct {
	w  *statusWriter
	r  *http.Request
	rt *route
	id string // request id, also in X-Request-Id
	// body is the request body to read: on the data plane it counts the bytes read. (The
	// request's own Body stays as it is, so that net/http can still tell how much of it is
	// unread when an answer comes early.)
	body io.ReadCloser
}

// maxJSONBody caps the JSON bodies the API reads.
const maxJSONBody = 1 << 20

// json answers with a JSON body.
func (c *call) json(status int, v any) error {
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

// empty answers with a status and no body.
func (c *call) empty(status int) error {
	c.w.WriteHeader(status)
	return nil
}

// readJSON decodes an optional JSON object body into v. An empty body leaves v as it is
// and reports false. Unknown fields are ignored unless strict.
func (c *call) readJSON(v any, strict bool) (bool, error) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, c.body, maxJSONBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return false, ErrInvalidParameter.with("the request body is larger than %d bytes", maxJSONBody)
		}
		return false, ErrInvalidParameter.with("reading the request body: %v", err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return false, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return false, ErrInvalidParameter.with("the request body is not valid JSON for this call: %v", err)
	}
	if dec.More() {
		return false, ErrInvalidParameter.with("the request body holds more than one JSON value")
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
