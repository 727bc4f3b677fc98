package drivertest

import (
	"cmp"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// Hooks on the engine's two paths: its PartSender (the data plane) and the transport of its
// control-plane requests (ConfigOptions.Control). They act on events of the upload, never
// on time.

// senderFunc adapts a function to engine.PartSender.
type senderFunc func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error)

func (f senderFunc) SendPart(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
	return f(ctx, req)
}

// span is a part's bytes in the file.
type span struct{ Off, Len int64 }

// sendLog records every part attempt and whether the data plane took it.
type sendLog struct {
	next engine.PartSender

	mu       sync.Mutex
	attempts []attempt
}

type attempt struct {
	span
	status int // the data plane's answer; 0 when none arrived
}

func (l *sendLog) SendPart(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
	resp, err := l.next.SendPart(ctx, req)
	a := attempt{span: span{req.Offset, req.Length}}
	if err == nil {
		a.status = resp.StatusCode
	}
	l.mu.Lock()
	l.attempts = append(l.attempts, a)
	l.mu.Unlock()
	return resp, err
}

// count is the number of attempts so far.
func (l *sendLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.attempts)
}

// spans lists, sorted and once each, the spans of the attempts from index `from` on that
// satisfy keep.
func (l *sendLog) spans(from int, keep func(attempt) bool) []span {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []span
	for _, a := range l.attempts[min(from, len(l.attempts)):] {
		if keep(a) && !slices.Contains(out, a.span) {
			out = append(out, a.span)
		}
	}
	slices.SortFunc(out, func(a, b span) int { return cmp.Compare(a.Off, b.Off) })
	return out
}

func taken(a attempt) bool    { return a.status >= 200 && a.status < 300 }
func refused(a attempt) bool  { return a.status >= 300 }
func anyAttempt(attempt) bool { return true }

// cut is how a file of size bytes is cut into parts of part bytes.
func cut(size, part int64) []span {
	if size <= part {
		return []span{{0, size}}
	}
	var out []span
	for off := int64(0); off < size; off += part {
		out = append(out, span{off, min(part, size-off)})
	}
	return out
}

// holdFrom passes the first n part attempts to next; later ones hang until their context
// ends, as on a page about to reload. held is closed when the first one hangs.
func holdFrom(next engine.PartSender, n int32, held chan struct{}) engine.PartSender {
	var calls atomic.Int32
	var once sync.Once
	return senderFunc(func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
		if calls.Add(1) > n {
			once.Do(func() { close(held) })
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return next.SendPart(ctx, req)
	})
}

// aroundAttempt calls before just before part attempt k (1-based) goes to next, and after
// once it is over; with one part in flight, nothing else is sent meanwhile.
func aroundAttempt(next engine.PartSender, k int32, before, after func()) engine.PartSender {
	var calls atomic.Int32
	return senderFunc(func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
		if calls.Add(1) != k {
			return next.SendPart(ctx, req)
		}
		if before != nil {
			before()
		}
		resp, err := next.SendPart(ctx, req)
		if after != nil {
			after()
		}
		return resp, err
	})
}

// loseFirstPart delivers part attempts to next, but the answer of the first one the data
// plane took is lost: the part is stored, the engine sees a dropped connection.
func loseFirstPart(next engine.PartSender, lost *atomic.Int32) engine.PartSender {
	return senderFunc(func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
		resp, err := next.SendPart(ctx, req)
		if err == nil && resp.StatusCode/100 == 2 && lost.CompareAndSwap(0, 1) {
			return nil, errLost
		}
		return resp, err
	})
}

var errLost = errors.New("connection reset: the answer was lost")

// onStep is a control-plane transport that acts on the first request of one step: before
// runs just before it is sent and after once its outcome is known.
type onStep struct {
	next   http.RoundTripper
	step   func(*http.Request) Step
	want   Step
	before func()
	after  func()
	fired  atomic.Bool
}

func (s *onStep) RoundTrip(req *http.Request) (*http.Response, error) {
	if s.step(req) != s.want || !s.fired.CompareAndSwap(false, true) {
		return s.next.RoundTrip(req)
	}
	if s.before != nil {
		s.before()
	}
	resp, err := s.next.RoundTrip(req)
	if err == nil {
		// The outcome is known once the answer is read: read it before after() runs.
		resp.Body = readAll(resp.Body)
	}
	if s.after != nil {
		s.after()
	}
	return resp, err
}

// loseStep is a control-plane transport that delivers requests, but loses the answer of
// the first request of one step that succeeded: the provider did the work, the engine sees a
// dropped connection.
type loseStep struct {
	next http.RoundTripper
	step func(*http.Request) Step
	want Step
	lost atomic.Int32
}

func (l *loseStep) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(req)
	if err != nil || resp.StatusCode/100 != 2 || l.step(req) != l.want || !l.lost.CompareAndSwap(0, 1) {
		return resp, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return nil, errLost
}

// readAll reads a body to its end and hands it back as a fresh one.
func readAll(body io.ReadCloser) io.ReadCloser {
	b, err := io.ReadAll(body)
	body.Close()
	return &bufferedBody{b: b, err: err}
}

type bufferedBody struct {
	b   []byte
	off int
	err error
}

func (b *bufferedBody) Read(p []byte) (int, error) {
	if b.off >= len(b.b) {
		if b.err != nil {
			return 0, b.err
		}
		return 0, io.EOF
	}
	n := copy(p, b.b[b.off:])
	b.off += n
	return n, nil
}

func (b *bufferedBody) Close() error { return nil }

// gateAt holds part attempt k (1-based) until release is closed (or its context ends);
// reached is closed when it arrives.
func gateAt(next engine.PartSender, k int32, reached, release chan struct{}) engine.PartSender {
	var calls atomic.Int32
	return senderFunc(func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
		if calls.Add(1) == k {
			close(reached)
			select {
			case <-release:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		return next.SendPart(ctx, req)
	})
}
