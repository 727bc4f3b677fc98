// Package jsx is the only Ferry package that touches JavaScript. Every call goes through
// github.com/hack-pad/safejs, so a JavaScript exception is an error, never a panic; not even
// this package imports syscall/js itself. A native test (wasm/guard_test.go) fails if any
// package of the module but this one uses safejs, or any imports syscall/js.
//
// It implements the engine's seams with browser APIs, inside a dedicated worker:
//
//	Blob         engine.Source over a File/Blob (slice().arrayBuffer() per read)
//	Fetch        smh.Doer over fetch (JSON calls: the SMH API and the token function)
//	XHRSender    engine.PartSender over XMLHttpRequest, the Blob slice as the body (upload
//	             progress for the in-flight bytes and the stall watchdog)
//	SubtleHasher engine.BlockHasher over crypto.subtle.digest
//	IDB          engine.KV over IndexedDB (checkpoints), directly over safejs
//	WebLocks     engine.Locker over navigator.locks (one tab owns an upload)
//	Port         postMessage to the page, and the page's messages in
//
// The JavaScript side of each is kept thin: what can be decided in Go (which headers may be
// set, how response headers parse) is in plain Go files, tested natively.
package jsx

import "strings"

// forbiddenHeaders are request headers a browser refuses to let scripts set
// (https://fetch.spec.whatwg.org/#forbidden-request-header); setting them only logs noise.
var forbiddenHeaders = map[string]bool{
	"accept-charset": true, "accept-encoding": true, "access-control-request-headers": true,
	"access-control-request-method": true, "connection": true, "content-length": true, "cookie": true,
	"cookie2": true, "date": true, "dnt": true, "expect": true, "host": true, "keep-alive": true,
	"origin": true, "referer": true, "te": true, "trailer": true, "transfer-encoding": true,
	"upgrade": true, "via": true,
}

// Settable reports whether a script may set the request header name.
func Settable(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	return n != "" && !forbiddenHeaders[n] && !strings.HasPrefix(n, "proxy-") && !strings.HasPrefix(n, "sec-")
}

// ParseHeaders parses XMLHttpRequest.getAllResponseHeaders(): "name: value" lines, CRLF
// separated; names lower-cased, repeated names joined with ", ".
func ParseHeaders(all string) map[string]string {
	h := map[string]string{}
	for _, line := range strings.Split(all, "\n") {
		line = strings.TrimRight(line, "\r")
		i := strings.IndexByte(line, ':')
		if i <= 0 {
			continue
		}
		k := strings.ToLower(strings.TrimSpace(line[:i]))
		v := strings.TrimSpace(line[i+1:])
		if old, ok := h[k]; ok {
			v = old + ", " + v
		}
		h[k] = v
	}
	return h
}
