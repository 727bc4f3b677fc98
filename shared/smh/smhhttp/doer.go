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

// Do performs req. Transport errors are stripped of the URL (*url.Error prints it), because
// token-API URLs carry the library secret.
func (d Doer) Do(ctx context.Context, req *smh.Request) (*smh.Response, error) {
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL, body)
	if err != nil {
		return nil, errors.New("invalid request")
	}
	for k, v := range req.Header {
		hr.Header.Set(k, v)
	}
	c := d.Client
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
