package function_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ferry-upload/ferry/function"
)

// TestDefaultModeTicketKey: the default (brokered) policy needs FERRY_TICKET_KEY outside
// DEV_MODE; in DEV_MODE a random key of the process stands in, and uploads work with it.
func TestDefaultModeTicketKey(t *testing.T) {
	t.Parallel()
	t.Run("refused without a key", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		cfg := e.cfg
		cfg.TicketKey = ""
		if _, err := function.New(cfg); err == nil || !strings.Contains(err.Error(), function.EnvTicketKey) {
			t.Fatalf("New without a ticket key: %v, want a refusal naming %s", err, function.EnvTicketKey)
		}
	})
	t.Run("dev mode without a key", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, withConfig(func(c *function.Config) { c.TicketKey, c.DevMode = "", true }))
		auth := bearer(t, "alice", "uploader")
		data := pattern(1<<20+7, 5)
		a, u := e.begin(auth, beginBody("/dev.bin", data))
		if u == nil {
			t.Fatalf("begin: %d %s", a.Status, a.Body)
		}
		e.send(auth, u, data)
		if c := e.complete(auth, u.ID, data); c.Status != 200 {
			t.Fatalf("complete: %d %s", c.Status, c.Body)
		}
		if !bytes.Equal(e.stored("/users/alice/dev.bin"), data) {
			t.Fatal("stored bytes differ")
		}
		// Another process (another random key) cannot open this process's tickets.
		other := newEnv(t, withConfig(func(c *function.Config) { c.TicketKey, c.DevMode = "", true }))
		if g := other.do("GET", "/v1/uploads/"+u.ID, auth, ""); g.Status != 403 || g.code() != "Forbidden" {
			t.Fatalf("a ticket of another process: %d %s", g.Status, g.Body)
		}
	})
}
