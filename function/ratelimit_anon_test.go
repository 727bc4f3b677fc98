package function_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/function"
)

// Requests without a valid JWT are rate-limited per client address, as each platform
// reports it (the TCP peer locally, sourceIp on Lambda, CF-Connecting-IP on Workers), so a
// flood of forged tokens cannot be tried at full speed. Valid callers are not charged to
// their address: users behind one NAT do not share a budget with an attacker there.
func TestRateLimitWithoutJWT(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, withConfig(func(c *function.Config) { c.RateLimit = function.RateLimit{Requests: 3, Per: time.Minute} }))
			send := tr.make(t, e.h)
			for i := range 3 {
				if a := serve(t, send, "POST", "/v1/token", "Bearer forged."+string(rune('a'+i))+".x", ""); a.Status != 401 {
					t.Fatalf("attempt %d: %d %s", i, a.Status, a.Body)
				}
			}
			for _, auth := range []string{"Bearer forged.d.x", "", "Basic YTpi"} {
				a := serve(t, send, "POST", "/v1/token", auth, "")
				if a.Status != 429 || a.code() != "RateLimited" || a.Header.Get("Retry-After") == "" {
					t.Fatalf("after 3 failures (%q): %d %s", auth, a.Status, a.Body)
				}
			}
			// A valid JWT from the same address still works, and is not counted there.
			for i := range 2 {
				if a := serve(t, send, "POST", "/v1/token", bearer(t, "alice", "uploader"), ""); a.Status != 200 {
					t.Fatalf("valid JWT %d from a limited address: %d %s", i, a.Status, a.Body)
				}
			}
		})
	}
}

// Addresses have their own budgets; IPv6 addresses share one per /64 (one subscriber's
// prefix, which an attacker can rotate through at will).
func TestRateLimitWithoutJWTPerAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withConfig(func(c *function.Config) { c.RateLimit = function.RateLimit{Requests: 2, Per: time.Minute} }))
	from := func(addr string) int {
		r := newRequest("POST", "/v1/token", "Bearer forged.x.y", "")
		r.RemoteAddr = addr
		resp := direct(t, e.h)(r)
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, c := range []struct {
		addr string
		want int
	}{
		{"198.51.100.7:1000", 401}, {"198.51.100.7:1001", 401}, {"198.51.100.7:1002", 429},
		{"198.51.100.8:1000", 401},
		{"[2001:db8:1:2::1]:443", 401}, {"[2001:db8:1:2:ffff::9]:443", 401}, {"[2001:db8:1:2::77]:443", 429},
		{"[2001:db8:1:3::1]:443", 401},
		{"203.0.113.9", 401}, // Lambda and Workers report an address without a port
	} {
		if got := from(c.addr); got != c.want {
			t.Errorf("%s: %d, want %d", c.addr, got, c.want)
		}
	}
	_ = http.StatusOK
}
