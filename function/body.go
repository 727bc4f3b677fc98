package function

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
)

// MaxBodyBytes caps request bodies (interfaces.md §3).
const MaxBodyBytes = 16 << 10

// readBody reads a JSON request body into fields: a map from each accepted key to a
// pointer (*string). The body must be application/json (charset utf-8 allowed), at most
// 16 KiB, one JSON object with no unknown, duplicate or non-string fields and nothing
// after it. With optional, an absent body (no bytes, no Content-Type) is fine.
func readBody(w http.ResponseWriter, r *http.Request, optional bool, fields map[string]*string) error {
	anyFields := make(map[string]any, len(fields))
	for k, v := range fields {
		anyFields[k] = v
	}
	return readJSON(w, r, optional, anyFields)
}

// readJSON is readBody for fields of any JSON type: each value is a pointer that the
// field's JSON value is decoded into (a type mismatch is refused).
func readJSON(w http.ResponseWriter, r *http.Request, optional bool, fields map[string]any) error {
	if r.ContentLength > MaxBodyBytes {
		return errTooLarge()
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge()
		}
		return errInvalid("could not read the request body")
	}
	ct := r.Header.Get("Content-Type")
	if len(b) == 0 && ct == "" {
		if optional {
			return nil
		}
		return errInvalid("a JSON body is required")
	}
	if err := checkContentType(ct); err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		if optional {
			return nil
		}
		return errInvalid("a JSON body is required")
	}
	return decodeStrict(b, fields)
}

func errTooLarge() *Error {
	return newError(CodeInvalidRequest, http.StatusRequestEntityTooLarge, "the request body is larger than 16 KiB")
}

func checkContentType(ct string) error {
	bad := newError(CodeInvalidRequest, http.StatusUnsupportedMediaType, "the body must be JSON: send Content-Type: application/json")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return bad
	}
	for k, v := range params {
		if k != "charset" || !strings.EqualFold(v, "utf-8") {
			return bad
		}
	}
	return nil
}

// decodeStrict walks the top-level object itself, so that keys match exactly (encoding/json
// would match "SpaceID" to spaceId) and duplicates are refused.
func decodeStrict(b []byte, fields map[string]any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return errInvalid("the body must be a JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return errInvalid("malformed JSON body")
		}
		key, _ := t.(string)
		dst, ok := fields[key]
		if !ok {
			return errInvalid("unknown field %q", clip(key))
		}
		if seen[key] {
			return errInvalid("field %q given twice", key)
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return errInvalid("malformed JSON body")
		}
		if string(raw) == "null" {
			continue
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			if _, isString := dst.(*string); isString {
				return errInvalid("field %q must be a string", key)
			}
			return errInvalid("field %q has the wrong type or value", key)
		}
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return errInvalid("malformed JSON body")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errInvalid("unexpected data after the JSON object")
	}
	return nil
}

// writeJSON answers v as JSON. Every answer is private and never cached: it may hold a
// token.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"code":"Internal","message":"internal error","requestId":""}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
