package function

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
)

// routeAdmin is POST /v1/admin/{op}: the provider's administrative operations (Gokuai's
// library operations) for the host application's backend, signed by the function.
const routeAdmin = "/v1/admin/{op}"

// admin is the capability behind routeAdmin.
type admin interface {
	Admin(ctx context.Context, op string, params map[string]string) (json.RawMessage, error)
}

// postAdmin serves an admin operation to an admin role, never to a browser: a request that
// carries an Origin (every browser's cross-origin fetch and every browser POST does) is
// refused. Every call is audited in the log: the caller, the role, the operation, outcome.
func (h *handler) postAdmin(w http.ResponseWriter, r *http.Request) error {
	op := r.PathValue("op")
	l := logOf(r.Context())
	l.add(slog.String("adminOp", clip(op)))
	if r.Header.Get("Origin") != "" {
		return errForbidden("admin operations are for your backend, not a browser (the request carries an Origin)")
	}
	id, err := h.authenticate(r)
	if err != nil {
		return err
	}
	sc, err := h.resolve(r, id, "")
	if err != nil {
		return err
	}
	if !sc.Role.isAdmin() {
		return errForbidden("your role %q has no admin operations", sc.RoleName)
	}
	if !slices.Contains(sc.Role.Admin, "*") && !slices.Contains(sc.Role.Admin, op) {
		return errForbidden("your role %q may not make %q", sc.RoleName, clip(op))
	}
	params, err := readAdminParams(w, r)
	if err != nil {
		return err
	}
	for _, k := range []string{"org_id", "mount_id", "member_id", "out_id"} {
		if v, ok := params[k]; ok {
			l.add(slog.String(k, clip(v)))
		}
	}
	out, err := h.provider.(admin).Admin(r.Context(), op, params)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
	return nil
}

// readAdminParams reads a JSON object of strings, numbers and booleans (sent as Gokuai's
// form values); nested values, duplicates and unknown shapes are refused.
func readAdminParams(w http.ResponseWriter, r *http.Request) (map[string]string, error) {
	if ct := r.Header.Get("Content-Type"); ct != "application/json" && !bytes.HasPrefix([]byte(ct), []byte("application/json;")) {
		return nil, newError(CodeInvalidRequest, http.StatusUnsupportedMediaType, "send a JSON object (Content-Type: application/json)")
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return nil, errTooLarge()
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errInvalid("the body is not a JSON object")
	}
	out := map[string]string{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, errInvalid("the body is not valid JSON")
		}
		k := t.(string)
		if _, dup := out[k]; dup {
			return nil, errInvalid("parameter %q is given twice", clip(k))
		}
		v, err := dec.Token()
		if err != nil {
			return nil, errInvalid("the body is not valid JSON")
		}
		switch v := v.(type) {
		case string:
			out[k] = v
		case json.Number:
			out[k] = v.String()
		case bool:
			out[k] = strconv.Itoa(map[bool]int{false: 0, true: 1}[v])
		default:
			return nil, errInvalid("parameter %q: a string, a number or a boolean", clip(k))
		}
	}
	if _, err := dec.Token(); err != nil || dec.More() {
		return nil, errInvalid("the body is not valid JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errInvalid("unexpected data after the JSON object")
	}
	return out, nil
}
