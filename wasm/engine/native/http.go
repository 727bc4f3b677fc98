package native

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync/atomic"

	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
	"github.com/ferry-upload/ferry/wasm/engine"
)

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
	resp, err := smhhttp.Send(ctx, s.Client, http.MethodPut, req.URL, req.Header,
		&progressReader{r: body, report: req.Progress}, req.Length)
	if err != nil {
		return nil, err
	}
	return &engine.PartResponse{StatusCode: resp.StatusCode, Header: resp.Header, Body: resp.Body}, nil
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
