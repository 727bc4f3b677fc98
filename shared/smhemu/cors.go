package smhemu

import (
	"net/http"
	"strings"
)

// CORS: both the SMH API and the COS bucket behind it allow cross-origin requests. Every
// answer allows the caller's origin and exposes the headers clients read.
const (
	corsMethods = "GET, HEAD, PUT, POST, DELETE, OPTIONS"
	corsExpose  = "ETag, x-cos-hash-crc64ecma, X-Request-Id, x-cos-request-id, Content-Length, Content-Range, Location, Retry-After"
)

// corsHeaders are the request headers a preflight may ask for, besides x-smh-meta-* and
// x-cos-*.
var corsHeaders = []string{"authorization", "content-type", "content-md5", "range", "if-none-match", "if-match", "cache-control"}

func setCORS(h http.Header, r *http.Request) {
	if origin := r.Header.Get("Origin"); origin != "" {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
	} else {
		h.Set("Access-Control-Allow-Origin", "*")
	}
	h.Set("Access-Control-Expose-Headers", corsExpose)
}

// preflight answers OPTIONS on any route: 204, allowing the methods the emulator serves
// and those of the requested headers it accepts (a browser refuses the request if one it
// asked for is not echoed).
func (e *Emulator) preflight(c *call) {
	h := c.w.Header()
	h.Set("Access-Control-Allow-Methods", corsMethods)
	var allowed []string
	for _, name := range strings.Split(c.r.Header.Get("Access-Control-Request-Headers"), ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		for _, ok := range corsHeaders {
			if name == ok {
				allowed = append(allowed, name)
			}
		}
		if strings.HasPrefix(name, "x-smh-meta-") || strings.HasPrefix(name, "x-cos-") {
			allowed = append(allowed, name)
		}
	}
	if len(allowed) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(allowed, ", "))
	}
	h.Set("Access-Control-Max-Age", "600")
	h.Add("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers")
	c.w.WriteHeader(http.StatusNoContent)
}
