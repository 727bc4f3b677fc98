package gokuai

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client calls the Gokuai open API with one credential. Set BaseURL, ClientID, Secret and
// Doer; the zero Now is time.Now.
type Client struct {
	BaseURL  string // ends in /m-open, e.g. https://yk3.gokuai.com/m-open; no trailing slash
	ClientID string // client_id (enterprise) or, with Library, org_client_id
	Secret   string
	// Library says the credential is a library's (from Bind): it is sent as org_client_id.
	Library bool
	Doer    Doer
	Now     func() time.Time // the clock dateline is read from
}

// Params are one call's business parameters; values are sent (and signed) as given.
type Params map[string]string

func (p Params) setInt(k string, v int64) {
	if v != 0 {
		p[k] = strconv.FormatInt(v, 10)
	}
}

func (p Params) setStr(k, v string) {
	if v != "" {
		p[k] = v
	}
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Signed returns params with the credential, dateline and sign added (a new map), ready
// to send; skip names parameters sent but not signed (create_file: filehash, filesize).
func (c *Client) Signed(params Params, skip ...string) Params {
	out := make(Params, len(params)+3)
	for k, v := range params {
		out[k] = v
	}
	if c.Library {
		out["org_client_id"] = c.ClientID
	} else {
		out["client_id"] = c.ClientID
	}
	out["dateline"] = strconv.FormatInt(c.now().Unix(), 10)
	out["sign"] = Sign(c.Secret, out, skip...)
	return out
}

// Encode renders params as an application/x-www-form-urlencoded body, keys sorted.
func Encode(params Params) []byte {
	v := make(url.Values, len(params))
	for k, s := range params {
		v.Set(k, s)
	}
	return []byte(v.Encode())
}

// Call signs params and POSTs them to BaseURL+path (e.g. "/1/org/info"), then decodes a
// success answer into out (when out is non-nil and the answer has a body). op names the
// call in errors.
func (c *Client) Call(ctx context.Context, op, path string, params Params, out any) error {
	return c.call(ctx, op, path, params, out)
}

// call is Call with parameters sent but left out of the sign (create_file's filehash and
// filesize, provider-apis.md §3.2 step 2).
func (c *Client) call(ctx context.Context, op, path string, params Params, out any, skip ...string) error {
	if c.ClientID == "" || c.Secret == "" {
		return invalid("%s: the client has no credential", op)
	}
	req := &Request{Method: "POST", URL: c.BaseURL + path, Body: Encode(c.Signed(params, skip...)),
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}}
	resp, err := c.Doer.Do(ctx, req)
	if err != nil {
		return &NetworkError{Op: op, Err: err}
	}
	if e := ErrorFromResponse(resp); e != nil {
		return e
	}
	if out == nil || len(bytes.TrimSpace(resp.Body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return &Error{Code: CodeUnexpectedResponse, Status: resp.StatusCode,
			Message: op + ": the answer is not the expected JSON"}
	}
	return nil
}

func invalid(format string, a ...any) error {
	return &Error{Code: CodeInvalidArgument, Message: fmt.Sprintf(format, a...)}
}

// joinInts renders ids as the service's comma-separated lists.
func joinInts(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}
