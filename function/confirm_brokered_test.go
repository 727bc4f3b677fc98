package function_test

import (
	"net/http"
	"testing"
)

// A brokered role never holds a confirm key, and its completions go through its tickets:
// /v1/confirm is not a route for it (deny by default), whatever key it sends.
func TestConfirmRefusedToBrokeredRoles(t *testing.T) {
	e := newEnv(t, withBrokered())
	for _, body := range []string{
		`{"confirmKey":"somekey","crc64":"1"}`,
		`{"confirmKey":"somekey"}`,
	} {
		a := e.do("POST", "/v1/confirm", bearer(t, "alice", "uploader"), body, "Content-Type", "application/json")
		if a.Status != http.StatusForbidden || a.code() != "Forbidden" {
			t.Fatalf("brokered caller on /v1/confirm: %d %s, want 403 Forbidden", a.Status, a.Body)
		}
	}
	// The direct role of the same policy still confirms (its own keys).
	a := e.do("POST", "/v1/confirm", bearer(t, "alice", "direct"), `{"confirmKey":"nosuchkey","crc64":"1"}`, "Content-Type", "application/json")
	if a.code() == "Forbidden" {
		t.Fatalf("direct caller refused as brokered: %d %s", a.Status, a.Body)
	}
}
