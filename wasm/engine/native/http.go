package native

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// maxAnswer caps how much of a data-plane answer is read (XML errors are small).
const maxAnswer = 1 << 20

// Sender PUTs parts with an *http.Client (nil = http.DefaultClient).
type Sender struct{ Client *http.Client }

var _ engine.PartSender = Sender{}

// SendPart sends req.Body when set, else the byte range of req.Source, reporting progress
// as the transport reads the body.
func (s Sender) SendPart(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	} else {
		body = io.NewSectionReader(req.Source, req.Offset, req.Length)
	}
	pr := &progressReader{r: body, report: req.Progress}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPut, req.URL, pr)
	if err != nil {
		return nil, errors.New("invalid part request")
	}
	hr.ContentLength = req.Length
	if req.Length == 0 {
		hr.Body = http.NoBody
	}
	for k, v := range req.Header {
		hr.Header.Set(k, v)
	}
	c := s.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(hr)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL: it carries signatures
		}
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, errors.New("reading the answer: " + err.Error())
	}
	out := &engine.PartResponse{StatusCode: resp.StatusCode, Header: make(map[string]string, len(resp.Header)), Body: b}
	for k, v := range resp.Header {
		out.Header[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	return out, nil
}

type progressReader struct {
	r      io.Reader
	sent   atomic.Int64
	report func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 && p.report != nil {
		p.report(p.sent.Add(int64(n)))
	}
	return n, err
}
