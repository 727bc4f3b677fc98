package emukit

import (
	"io"
	"net"
	"net/http"
	"time"
)

// injectFault applies the latency and the fault drawn for this request, before the
// request touches any state. It reports whether the request has been answered.
func (k *Kit) injectFault(c *Call) bool {
	d := k.faults.decide(c.route.Plane)
	if d.latency > 0 {
		t := time.NewTimer(d.latency)
		select {
		case <-t.C:
		case <-c.r.Context().Done():
		case <-k.done:
		}
		t.Stop()
	}
	if d.kind == "" {
		return false
	}
	c.w.injected = true
	switch d.kind {
	case "500", "503":
		err := ErrInternal.With("injected fault")
		if d.kind == "503" {
			err = ErrServiceUnavailable.With("injected fault")
			c.w.Header().Set("Retry-After", "1")
		}
		k.p.WriteError(c, err) // which reads a data-plane body first
	case "reset":
		if c.route.Plane == PlaneData && c.r.ContentLength > 0 {
			_, _ = io.CopyN(io.Discard, c.body, c.r.ContentLength/2)
		}
		c.w.fault = "reset"
		abort(c, 0, nil, nil)
	case "stall":
		c.w.fault = "stall"
		c.w.commit() // counted as it begins: the client sees nothing of it before its end
		k.stalled.Add(1)
		defer k.stalled.Add(-1) // also when abort panics (no connection to take over)
		abort(c, d.stall, d.stop, k.done)
	}
	return true
}

// abort takes the connection over, waits (a stall) until hold passes, the faults change
// (stop), the emulator closes (done) or the client goes away, then drops it with a TCP
// RST (SO_LINGER 0). Without a connection to take over (the in-memory transport) it
// panics with http.ErrAbortHandler, which that transport turns into a connection error.
func abort(c *Call, hold time.Duration, stop, done <-chan struct{}) {
	conn, _, err := http.NewResponseController(c.w).Hijack()
	// A hijacked connection no longer cancels the request's context when the client leaves,
	// so watch the connection itself: reading (and discarding whatever body still arrives)
	// ends when the client closes it.
	gone := make(chan struct{})
	if err == nil && hold > 0 {
		go func() {
			_, _ = io.Copy(io.Discard, conn)
			close(gone)
		}()
	}
	if hold > 0 {
		t := time.NewTimer(hold)
		select {
		case <-t.C:
		case <-stop:
		case <-done:
		case <-gone:
		case <-c.r.Context().Done():
		}
		t.Stop()
	}
	c.w.commit() // counted before the client can see the connection go
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
