package smh

import (
	"bytes"
	"context"
	"strconv"
	"strings"

	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/msgf"
	"github.com/ferry-upload/ferry/shared/urlx"
)

// Client calls one SMH library. The zero value is not usable: set all fields.
type Client struct {
	BaseURL   string // e.g. https://smhxxx.api.tencentsmh.cn or http://127.0.0.1:9100; no trailing slash
	LibraryID string
	Doer      Doer
}

// call sends a request and decodes a 2xx JSON answer into out (when out is non-nil).
// It returns the status for callers that distinguish 200/201/202.
func (c *Client) call(ctx context.Context, op string, req *Request, out jsonx.Decoder) (int, error) {
	resp, err := c.Doer.Do(ctx, req)
	if err != nil {
		return 0, &NetworkError{Op: op, Err: err}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, errorFromResponse(resp)
	}
	if out != nil && len(bytes.TrimSpace(resp.Body)) > 0 {
		if err := decode(resp, op, out); err != nil {
			return resp.StatusCode, err
		}
	}
	return resp.StatusCode, nil
}

// EscapePath URL-encodes each segment of a library path ("a/b c/d.txt" → "a/b%20c/d.txt").
// Leading and trailing slashes are dropped. Callers check segments with checkPath first.
func EscapePath(p string) string {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for i, s := range segs {
		segs[i] = urlx.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// CodeInvalidArgument is the code of a request the client refuses to send.
const CodeInvalidArgument = "InvalidArgument"

func invalid(format string, a ...any) error {
	return &Error{Code: CodeInvalidArgument, Message: msgf.Sprintf(format, a...)}
}

// checkSegment refuses what would change the meaning of a URL path: an empty, "." or ".."
// segment would make the server resolve another route with the caller's token.
func checkSegment(what, s string) error {
	if s == "" || s == "." || s == ".." {
		return invalid("%s %q is not a valid path segment", what, s)
	}
	return nil
}

func checkPath(p string) error {
	if strings.Trim(p, "/") == "" {
		return nil
	}
	for _, seg := range strings.Split(strings.Trim(p, "/"), "/") {
		if err := checkSegment("path segment", seg); err != nil {
			return err
		}
	}
	return nil
}

// url builds …/api/v1/{kind}/{lib}/{space}/{path}{?query}.
func (c *Client) url(kind, space, path string, q urlx.Values) (string, error) {
	if err := checkSegment("space", space); err != nil {
		return "", err
	}
	if err := checkPath(path); err != nil {
		return "", err
	}
	u := c.BaseURL + "/api/v1/" + kind + "/" + urlx.PathEscape(c.LibraryID) + "/" + urlx.PathEscape(space)
	if p := EscapePath(path); p != "" {
		u += "/" + p
	}
	return u + encodeQuery(q), nil
}

// taskURL addresses an upload task: its confirm key is one path segment, whatever it holds.
func (c *Client) taskURL(space, confirmKey string, q urlx.Values) (string, error) {
	if err := checkSegment("confirm key", confirmKey); err != nil {
		return "", err
	}
	if err := checkSegment("space", space); err != nil {
		return "", err
	}
	return c.BaseURL + "/api/v1/file/" + urlx.PathEscape(c.LibraryID) + "/" + urlx.PathEscape(space) + "/" +
		urlx.PathEscape(confirmKey) + encodeQuery(q), nil
}

// encodeQuery renders bare action flags (?multipart) SMH-style: a key with one empty
// value is written without "=".
func encodeQuery(q urlx.Values) string {
	if len(q) == 0 {
		return ""
	}
	var b strings.Builder
	for _, k := range sortedKeys(q) {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(urlx.QueryEscape(k))
			if v != "" {
				b.WriteByte('=')
				b.WriteString(urlx.QueryEscape(v))
			}
		}
	}
	return "?" + b.String()
}

func sortedKeys(q urlx.Values) []string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	// Insertion sort: a handful of keys, and it keeps package sort out of the wasm build.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// jsonRequest is a request with the bearer token and, when body is not nil, its JSON.
func jsonRequest(method, u, token string, body jsonx.Encoder) *Request {
	req := &Request{Method: method, URL: u, Header: bearer(token)}
	if body != nil {
		req.Body = jsonx.Encode(body)
		req.Header["Content-Type"] = "application/json"
	}
	return req
}

// decode reads a JSON answer into out; an answer it cannot read is UnexpectedResponse.
func decode(resp *Response, op string, out jsonx.Decoder) error {
	if err := jsonx.Decode(resp.Body, out); err != nil {
		return &Error{Status: resp.StatusCode, Code: "UnexpectedResponse", Message: op + ": answer is not the expected JSON",
			RequestID: resp.Header["x-request-id"]}
	}
	return nil
}

// DataURL is where the bytes of an upload (or of part n ≥ 1 of a multipart upload) go:
// the API base's scheme with the upload info's domain and path.
func (c *Client) DataURL(info *UploadInfo, part int) string {
	scheme := "https"
	if i := strings.Index(c.BaseURL, "://"); i > 0 {
		scheme = c.BaseURL[:i]
	}
	p := info.Path
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	u := scheme + "://" + info.Domain + p
	if part > 0 {
		u += "?partNumber=" + strconv.Itoa(part) + "&uploadId=" + urlx.QueryEscape(info.UploadID)
	}
	return u
}
