package gokuaiemu

import (
	"io"
	"mime"
	"net/url"
	"strconv"
	"time"

	"github.com/ferry-upload/ferry/shared/emukit"
	"github.com/ferry-upload/ferry/shared/gokuai"
)

// maxForm caps a request body: library calls carry a few short parameters.
const maxForm = 1 << 20

// call is one authenticated library API request.
type call struct {
	*emukit.Call
	params map[string]string
	// lib is the library whose credential signed the call; nil for the enterprise.
	lib   *binding
	actor string // the credential id, for the log
}

// readForm reads the form-encoded body. A key given twice, or parameters in the query
// string, are refused: the signature covers one value per key, taken from the body.
func readForm(c *emukit.Call) (map[string]string, error) {
	r := c.Request()
	if r.URL.RawQuery != "" {
		return nil, errInvalidParameter.With("parameters go in the form body, not the query string")
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, errInvalidParameter.With("the body must be application/x-www-form-urlencoded")
	}
	b, err := io.ReadAll(io.LimitReader(c.Body(), maxForm+1))
	if err != nil {
		return nil, errInvalidParameter.With("reading the body: %v", err)
	}
	if len(b) > maxForm {
		return nil, errInvalidParameter.With("the body is larger than %d bytes", maxForm)
	}
	v, err := url.ParseQuery(string(b))
	if err != nil {
		return nil, errInvalidParameter.With("the body is not a valid form")
	}
	out := make(map[string]string, len(v))
	for k, vs := range v {
		if len(vs) != 1 {
			return nil, errInvalidParameter.With("parameter %s is given %d times", k, len(vs))
		}
		out[k] = vs[0]
	}
	return out, nil
}

// authenticate finds the credential of a call and checks its sign and dateline: the
// enterprise's (client_id), or a library's (org_client_id, when no client_id is given;
// with client_id present an org_client_id is a parameter, as in unbind and destroy).
// skip names parameters sent but not signed (create_file: filehash, filesize).
func (e *Emulator) authenticate(kc *emukit.Call, skip ...string) (*call, error) {
	p, err := readForm(kc)
	if err != nil {
		return nil, err
	}
	sign, dl := p["sign"], p["dateline"]
	if sign == "" || dl == "" {
		return nil, errInvalidParameter.With("sign and dateline are required")
	}
	dateline, err := strconv.ParseInt(dl, 10, 64)
	if err != nil {
		return nil, errInvalidParameter.With("dateline must be Unix seconds")
	}
	c := &call{Call: kc, params: p}
	var secret string
	e.kit.Lock()
	switch id, org := p["client_id"], p["org_client_id"]; {
	case id != "":
		if id == e.opts.ClientID {
			secret, c.actor = e.opts.ClientSecret, id
		}
	case org != "":
		if b := e.st.Bindings[org]; b != nil {
			copied := *b
			secret, c.lib, c.actor = b.Secret, &copied, org
		}
	default:
		e.kit.Unlock()
		return nil, errInvalidParameter.With("client_id is required")
	}
	e.kit.Unlock()
	if secret == "" {
		return nil, errInvalidClient
	}
	if !gokuai.VerifySign(secret, p, sign, skip...) {
		return nil, errInvalidSign
	}
	skew := e.now().Sub(time.Unix(dateline, 0))
	if skew > e.opts.Window || skew < -e.opts.Window {
		return nil, errDatelineExpired
	}
	return c, nil
}

// enterpriseOnly refuses a library credential.
func (c *call) enterpriseOnly() error {
	if c.lib != nil {
		return errForbidden.With("this operation needs the enterprise credential (client_id)")
	}
	return nil
}

// has reports whether the parameter was sent (an empty value counts).
func (c *call) has(k string) bool { _, ok := c.params[k]; return ok }

// str returns a parameter ("" when absent).
func (c *call) str(k string) string { return c.params[k] }

// int returns an optional integer parameter: def when absent or empty.
func (c *call) int(k string, def int64) (int64, error) {
	s := c.params[k]
	if s == "" {
		return def, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errInvalidParameter.With("%s must be an integer", k)
	}
	return v, nil
}

// id returns a required positive id parameter.
func (c *call) id(k string) (int64, error) {
	v, err := c.int(k, 0)
	if err != nil {
		return 0, err
	}
	if v <= 0 {
		return 0, errInvalidParameter.With("%s is required", k)
	}
	return v, nil
}

func (e *Emulator) now() time.Time { return e.opts.Now() }
