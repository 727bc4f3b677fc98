// Package gokuaihttp implements gokuai.Doer with net/http, for native programs (the
// function, tests, tools).
package gokuaihttp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/ferry-upload/ferry/shared/gokuai"
)

// MaxBody caps how much of an answer is read: library API answers are small JSON
// documents (a log page of 1000 entries stays well below it).
const MaxBody = 8 << 20

// Doer sends gokuai.Requests with an *http.Client (nil = http.DefaultClient).
type Doer struct{ Client *http.Client }

var _ gokuai.Doer = Doer{}

// Do performs req. Transport errors are stripped of the URL (*url.Error prints it).
func (d Doer) Do(ctx context.Context, req *gokuai.Request) (*gokuai.Response, error) {
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
	out := &gokuai.Response{StatusCode: resp.StatusCode, Header: make(map[string]string, len(resp.Header)), Body: b}
	for k, v := range resp.Header {
		out.Header[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	return out, nil
}
