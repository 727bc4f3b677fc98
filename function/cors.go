package function

import (
	"net/http"
	"strings"
)

// cors answers browsers from an exact-origin allow-list. A request whose Origin is not
// listed is refused with OriginNotAllowed before anything else happens; requests without
// Origin (servers, curl) pass. Allowed origins may send credentials (cookies).
type cors struct {
	origins map[string]bool
	any     bool // "*": DevMode only; the origin is echoed, never "*" itself
}

func newCORS(list []string) *cors {
	c := &cors{origins: map[string]bool{}}
	for _, o := range list {
		if o == "*" {
			c.any = true
		}
		c.origins[o] = true
	}
	return c
}

func (c *cors) allowed(origin string) bool { return c.any || c.origins[origin] }

const (
	corsMethods = "GET, POST, DELETE, OPTIONS"
	corsHeaders = "Authorization, Content-Type"
	corsMaxAge  = "600"
)

// apply sets the CORS headers of an answer to an allowed origin.
func (c *cors) apply(h http.Header, origin string) {
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Credentials", "true")
	h.Set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After")
}

// preflight answers OPTIONS for an allowed origin: only our methods, only the headers
// the routes read.
func (c *cors) preflight(w http.ResponseWriter, r *http.Request, origin string) {
	h := w.Header()
	c.apply(h, origin)
	h.Set("Access-Control-Allow-Methods", corsMethods)
	h.Set("Access-Control-Allow-Headers", corsHeaders)
	h.Set("Access-Control-Max-Age", corsMaxAge)
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	if m := r.Header.Get("Access-Control-Request-Method"); m != "" && !strings.Contains(corsMethods, strings.ToUpper(m)) {
		h.Del("Access-Control-Allow-Methods")
	}
	w.WriteHeader(http.StatusNoContent)
}
