package emukit

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"
	"syscall"
)

// memTransport is an http.RoundTripper that serves requests by calling a handler in
// memory, streaming both bodies through pipes.
type memTransport struct {
	handler http.Handler
}

func (t *memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	sreq := req.Clone(ctx)
	sreq.URL = &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath, RawQuery: req.URL.RawQuery}
	sreq.RequestURI = req.URL.RequestURI()
	sreq.Proto, sreq.ProtoMajor, sreq.ProtoMinor = "HTTP/1.1", 1, 1
	sreq.RemoteAddr = "127.0.0.1:1"
	if sreq.Host == "" {
		sreq.Host = req.URL.Host
	}
	if req.Body == nil || req.Body == http.NoBody {
		sreq.Body, sreq.ContentLength = http.NoBody, 0
	} else if req.ContentLength == 0 {
		sreq.ContentLength = -1 // a client request with a body and length 0 has an unknown length
	}
	pr, pw := io.Pipe()
	w := &memResponseWriter{header: http.Header{}, body: pw, ready: make(chan struct{})}
	go func() {
		defer func() {
			if req.Body != nil {
				req.Body.Close()
			}
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					w.abort(&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)})
				} else {
					w.abort(fmt.Errorf("emukit: handler panic: %v", p))
				}
				return
			}
			w.WriteHeader(http.StatusOK)
			pw.Close()
		}()
		t.handler.ServeHTTP(w, sreq)
	}()
	select {
	case <-w.ready:
	case <-ctx.Done():
		pr.CloseWithError(ctx.Err())
		return nil, ctx.Err()
	}
	if w.err != nil {
		return nil, w.err
	}
	resp := &http.Response{
		Status: fmt.Sprintf("%d %s", w.status, http.StatusText(w.status)), StatusCode: w.status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: w.sent, Body: pr, ContentLength: -1, Request: req,
	}
	if n, err := strconv.ParseInt(w.sent.Get("Content-Length"), 10, 64); err == nil {
		resp.ContentLength = n
	}
	if req.Method == http.MethodHead || w.status == http.StatusNoContent || w.status == http.StatusNotModified {
		pr.Close()
		resp.Body = http.NoBody
		if req.Method != http.MethodHead {
			resp.ContentLength = 0
		}
	}
	return resp, nil
}

// memResponseWriter hands the status and headers over once, then streams the body.
type memResponseWriter struct {
	header http.Header
	sent   http.Header
	status int
	err    error
	body   *io.PipeWriter
	ready  chan struct{}
	once   sync.Once
}

func (w *memResponseWriter) Header() http.Header { return w.header }

func (w *memResponseWriter) WriteHeader(code int) {
	w.once.Do(func() {
		w.status, w.sent = code, w.header.Clone()
		close(w.ready)
	})
}

func (w *memResponseWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}

func (w *memResponseWriter) Flush() {}

// abort fails the exchange: before the headers, RoundTrip returns err; after, reading
// the body does.
func (w *memResponseWriter) abort(err error) {
	w.once.Do(func() {
		w.err = err
		close(w.ready)
	})
	w.body.CloseWithError(err)
}
