package smhemu

import "github.com/ferry-upload/ferry/shared/emukit"

// smhCORS: both the SMH API and the COS bucket behind it allow cross-origin requests.
// Every answer allows the caller's origin and exposes the headers clients read; a
// preflight allows these request headers, x-smh-meta-* and x-cos-*.
var smhCORS = emukit.CORS{
	Methods:        []string{"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"},
	Expose:         []string{"ETag", "x-cos-hash-crc64ecma", "X-Request-Id", "x-cos-request-id", "Content-Length", "Content-Range", "Location", "Retry-After"},
	Headers:        []string{"authorization", "content-type", "content-md5", "range", "if-none-match", "if-match", "cache-control"},
	HeaderPrefixes: []string{"x-smh-meta-", "x-cos-"},
}

// preflight answers OPTIONS on any route (the kit's CORS preflight).
func (e *Emulator) preflight(c *call) error { return e.kit.Preflight(c.kc) }
