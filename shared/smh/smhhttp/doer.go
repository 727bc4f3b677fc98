// Package smhhttp implements smh.Doer with net/http, for native programs (the token
// function, tests, tools). The browser build uses fetch instead and never links net/http.
package smhhttp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/ferry-upload/ferry/shared/smh"
)

// MaxBody caps how much of an answer is read: SMH answers are small JSON documents.
const MaxBody = 8 << 20

// Doer sends smh.Requests with an *http.Client (nil = http.DefaultClient).
type Doer struct{ Client *http.Client }

var _ smh.Doer = Doer{}

// Do performs req.
func (d Doer) Do(ctx context.Context, req *smh.Request) (*smh.Response, error) {
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	return Send(ctx, d.Client, req.Method, req.URL, req.Header, body, int64(len(req.Body)))
}

// Send performs one request with c (nil = http.DefaultClient): body, when not nil, is sent
// with the given length. The answer's header keys are lower-case and at most MaxBody bytes
// of its body are read. Transport errors are stripped of the URL (*url.Error prints it),
// because token-API URLs carry the library secret and data-plane URLs their signatures.
func Send(ctx context.Context, c *http.Client, method, u string, header map[string]string, body io.Reader, length int64) (*smh.Response, error) {
	hr, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, errors.New("invalid request")
	}
	if body != nil {
		hr.ContentLength = length
		if length == 0 {
			hr.Body = http.NoBody
		}
	}
	for k, v := range header {
		hr.Header.Set(k, v)
	}
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(hr)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody))
	if err != nil {
		return nil, errors.New("reading the answer: " + err.Error())
	}
	out := &smh.Response{StatusCode: resp.StatusCode, Header: make(map[string]string, len(resp.Header)), Body: b}
	for k, v := range resp.Header {
		out.Header[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	return out, nil
}
