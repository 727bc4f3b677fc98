//go:build js && wasm

package jsx

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/hack-pad/safejs"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// XHRSender is an engine.PartSender over XMLHttpRequest: in Chromium, fetch reports no
// upload progress over HTTP/1.1, and the in-flight bytes and the stall watchdog need it. The
// body is the Blob slice itself, so upload bytes never pass through wasm memory. The event
// handlers only hand values to channels: nothing blocks inside a JavaScript callback.
type XHRSender struct{}

var _ engine.PartSender = XHRSender{}

type xhrOutcome struct {
	resp *engine.PartResponse
	err  error
}

func (XHRSender) SendPart(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
	body, err := partBody(req)
	if err != nil {
		return nil, err
	}
	xhr, err := construct("XMLHttpRequest")
	if err != nil {
		return nil, err
	}
	if _, err := xhr.Call("open", "PUT", req.URL, true); err != nil {
		return nil, err
	}
	for k, v := range req.Header {
		if Settable(k) {
			if _, err := xhr.Call("setRequestHeader", k, v); err != nil {
				return nil, err
			}
		}
	}
	done := make(chan xhrOutcome, 1)
	var loaded atomic.Int64
	tick := make(chan struct{}, 1)
	var funcs []safejs.Func
	on := func(target safejs.Value, event string, fn func(ev safejs.Value)) error {
		f, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			ev := safejs.Undefined()
			if len(args) > 0 {
				ev = args[0]
			}
			fn(ev)
			return nil
		})
		if err != nil {
			return err
		}
		funcs = append(funcs, f)
		return target.Set("on"+event, f)
	}
	defer func() {
		for _, f := range funcs {
			f.Release()
		}
	}()
	finish := func(o xhrOutcome) {
		select {
		case done <- o:
		default: // a second outcome (abort after error): the first counts
		}
	}
	upload, err := xhr.Get("upload")
	if err != nil {
		return nil, err
	}
	if err := on(upload, "progress", func(ev safejs.Value) {
		if n, err := getNumber(ev, "loaded"); err == nil {
			loaded.Store(int64(n))
			select {
			case tick <- struct{}{}:
			default:
			}
		}
	}); err != nil {
		return nil, err
	}
	if err := on(xhr, "load", func(safejs.Value) { finish(xhrOutcome{resp: xhrResponse(xhr)}) }); err != nil {
		return nil, err
	}
	for _, event := range []string{"error", "timeout", "abort"} {
		if err := on(xhr, event, func(safejs.Value) {
			finish(xhrOutcome{err: &JSError{Name: "NetworkError", Message: "the part upload failed (" + event + ")"}})
		}); err != nil {
			return nil, err
		}
	}
	if _, err := xhr.Call("send", body); err != nil {
		return nil, err
	}
	for {
		select {
		case <-tick:
			if req.Progress != nil {
				req.Progress(loaded.Load())
			}
		case o := <-done:
			if o.resp != nil && req.Progress != nil {
				req.Progress(loaded.Load())
			}
			return o.resp, o.err
		case <-ctx.Done():
			_, _ = xhr.Call("abort")
			return nil, ctx.Err()
		}
	}
}

// partBody is the Blob slice of the part, or (a source that is not a Blob) its bytes.
func partBody(req *engine.PartRequest) (any, error) {
	if b, ok := req.Source.(*Blob); ok {
		return b.Slice(req.Offset, req.Offset+req.Length)
	}
	if req.Body != nil || req.Length == 0 {
		return toUint8Array(req.Body)
	}
	return nil, errors.New("jsx: a part from a source that is not a Blob needs its bytes")
}

func xhrResponse(xhr safejs.Value) *engine.PartResponse {
	status, _ := getNumber(xhr, "status")
	r := &engine.PartResponse{StatusCode: int(status), Header: map[string]string{}}
	if all, err := xhr.Call("getAllResponseHeaders"); err == nil {
		if s, err := all.String(); err == nil {
			r.Header = ParseHeaders(s)
		}
	}
	r.Body = []byte(getString(xhr, "responseText"))
	return r
}
