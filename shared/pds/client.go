package pds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxAnswer bounds what is read of one answer: PDS's largest (a 100-part listing) is a few
// tens of KiB.
const maxAnswer = 4 << 20

// Client calls one PDS domain. The zero value is not usable: set BaseURL and HTTP.
type Client struct {
	BaseURL string // e.g. https://pdsdev.api.aliyunpds.com or http://127.0.0.1:9200; no trailing slash
	HTTP    *http.Client
}

// call POSTs to path (under BaseURL) with a JSON body and the access token, and decodes a
// 2xx answer into out (when out is non-nil).
func (c *Client) call(ctx context.Context, op, path, token string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return &Error{Code: CodeInvalidArgument, Message: op + ": " + err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return &Error{Code: CodeInvalidArgument, Message: op + ": the request cannot be built"}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	return c.send(op, req, out)
}

// form POSTs a form body (the OAuth token endpoint) and decodes a 2xx answer into out.
func (c *Client) form(ctx context.Context, op, path string, v url.Values, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+path, strings.NewReader(v.Encode()))
	if err != nil {
		return &Error{Code: CodeInvalidArgument, Message: op + ": the request cannot be built"}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.send(op, req, out)
}

func (c *Client) send(op string, req *http.Request, out any) error {
	resp, err := c.HTTP.Do(req)
	if err != nil {
		// *url.Error names the URL: keep only its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return &NetworkError{Op: op, Err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return &NetworkError{Op: op, Err: err}
	}
	header := func(k string) string { return resp.Header.Get(k) }
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return errorFromResponse(resp.StatusCode, header, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return &Error{Status: resp.StatusCode, Code: CodeUnexpectedResponse,
				Message: op + ": the answer is not the expected JSON", RequestID: header("x-ca-request-id")}
		}
	}
	return nil
}
