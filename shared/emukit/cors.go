package emukit

import (
	"net/http"
	"slices"
	"strings"
)

func (k *Kit) setCORS(h http.Header, r *http.Request) {
	if origin := r.Header.Get("Origin"); origin != "" {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
	} else {
		h.Set("Access-Control-Allow-Origin", "*")
	}
	if len(k.cors.Expose) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(k.cors.Expose, ", "))
	}
}

// Preflight answers a CORS preflight (OPTIONS): 204, allowing the configured methods and
// those of the requested headers that CORS allows. Providers route OPTIONS to it, with
// NoFault set (browsers cache preflights).
func (k *Kit) Preflight(c *Call) error {
	h := c.w.Header()
	methods := k.cors.Methods
	if len(methods) == 0 {
		methods = defaultCORSMethods
	}
	h.Set("Access-Control-Allow-Methods", strings.Join(methods, ", "))
	var allowed []string
	for _, name := range strings.Split(c.r.Header.Get("Access-Control-Request-Headers"), ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		if slices.Contains(k.cors.Headers, name) || slices.ContainsFunc(k.cors.HeaderPrefixes, func(p string) bool {
			return strings.HasPrefix(name, p)
		}) {
			allowed = append(allowed, name)
		}
	}
	if len(allowed) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(allowed, ", "))
	}
	h.Set("Access-Control-Max-Age", "600")
	h.Add("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers")
	return c.Empty(http.StatusNoContent)
}
