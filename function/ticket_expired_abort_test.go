package function_test

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/function"
)

// A ticket that expired still names its owner's open task: the owner may cancel it (an
// engine restarting after the expiry does), so the task does not stay open upstream.
// Reading, renewing and completing stay refused, and so does anyone else's cancel, and a
// ticket long past its expiry (a week).
func TestExpiredTicketStillCancels(t *testing.T) {
	data := pattern(2<<20+1, 5)
	cases := []struct {
		name   string
		after  time.Duration
		method string
		suffix string
		sub    string
		status int
	}{
		{"owner cancels, a day late", 24*time.Hour + time.Second, "DELETE", "", "alice", 204},
		{"owner cancels, six days late", 7 * 24 * time.Hour, "DELETE", "", "alice", 204},
		{"owner cancels, over a week late", 8*24*time.Hour + time.Second, "DELETE", "", "alice", 403},
		{"another caller cancels", 24*time.Hour + time.Second, "DELETE", "", "mallory", 403},
		{"owner reads", 24*time.Hour + time.Second, "GET", "", "alice", 403},
		{"owner renews", 24*time.Hour + time.Second, "POST", "/targets", "alice", 403},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk := &clock{t: time.Now()}
			e := newEnv(t, withBrokered(), withConfig(func(cfg *function.Config) { cfg.Now = clk.now }))
			a, u := e.begin(longBearer(t, "alice", "uploader"), beginBody("/x.bin", data))
			require.NotNil(t, u, string(a.Body))
			require.Len(t, e.openUploads(), 1)
			clk.t = clk.t.Add(c.after)
			// The caller signs in again: a JWT valid at the function's (moved) time.
			auth := "Bearer " + jwtFor(t, jwt.MapClaims{"sub": c.sub, "role": "uploader", "exp": clk.t.Add(time.Hour).Unix()})
			body := ""
			if c.suffix == "/targets" {
				body = `{"parts":[1]}`
			}
			got := e.do(c.method, "/v1/uploads/"+u.ID+c.suffix, auth, body)
			assert.Equal(t, c.status, got.Status, string(got.Body))
			if c.status == 204 {
				assert.Empty(t, e.openUploads(), "the task is canceled upstream")
			} else {
				assert.Equal(t, "upload ticket refused", got.JSON["message"])
				assert.Len(t, e.openUploads(), 1, "the task is untouched")
			}
		})
	}
}
