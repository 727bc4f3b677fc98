//go:build js && wasm

package jsx

import (
	"context"
	"errors"
	"sync"
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
	body, release, err := partBody(req)
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
	_, err = xhr.Call("send", body)
	release() // sent: the request holds its own copy of a typed-array body
	if err != nil {
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

// partBody is the bytes the engine read and checked when it gives them (Verify "local"),
// copied into a reused JavaScript buffer; else the Blob slice of the part. done gives the
// buffer back: XMLHttpRequest copies a typed-array body when send is called.
func partBody(req *engine.PartRequest) (body any, done func(), err error) {
	done = func() {}
	if req.Body != nil || req.Length == 0 {
		u, err := bodies.get(len(req.Body))
		if err != nil {
			return nil, done, err
		}
		if _, err := safejs.CopyBytesToJS(u, req.Body); err != nil {
			return nil, done, err
		}
		return u, func() { bodies.put(u) }, nil
	}
	if b, ok := req.Source.(*Blob); ok {
		v, err := b.Slice(req.Offset, req.Offset+req.Length)
		return v, done, err
	}
	return nil, done, errors.New("jsx: a part from a source that is not a Blob needs its bytes")
}

// bodies are reused part bodies, at most one per part slot in flight: a new typed array per
// part would leave part-sized garbage for V8 to collect late (the renderer's memory grows).
var bodies = &jsBuffers{}

type jsBuffers struct {
	mu   sync.Mutex
	free []safejs.Value
}

// get returns a Uint8Array of n bytes: a view on a free buffer large enough, or a new one.
func (p *jsBuffers) get(n int) (safejs.Value, error) {
	p.mu.Lock()
	for i, u := range p.free {
		buf, err := u.Get("buffer")
		if err != nil {
			continue
		}
		size, err := getNumber(buf, "byteLength")
		if err != nil || int(size) < n {
			continue
		}
		p.free = append(p.free[:i], p.free[i+1:]...)
		p.mu.Unlock()
		return construct("Uint8Array", buf, 0, n)
	}
	p.mu.Unlock()
	return construct("Uint8Array", n)
}

func (p *jsBuffers) put(u safejs.Value) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) < maxFreeBodies {
		p.free = append(p.free, u)
	}
}

// maxFreeBodies bounds the buffers kept: the engine's default concurrency.
const maxFreeBodies = engine.DefaultConcurrency

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
