package function

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTicketSealOpen(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	s, err := newTicketSealer([]byte(strings.Repeat("k", 32)), clock)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := newTicketSealer([]byte(strings.Repeat("x", 32)), clock)
	tk := &Ticket{Provider: "smh", Library: "smhdev", Space: "-", Subject: "alice", Path: "/users/alice/a.bin",
		Size: 10, Session: "confirm-key-secret", Expires: now.Add(time.Hour).Unix()}
	raw, err := s.seal(tk)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(raw, "confirm-key-secret") || strings.Contains(raw, "alice") {
		t.Fatal("the ticket shows its content")
	}
	got, _, err := s.open(raw, "smh", "smhdev", "alice", 0)
	if err != nil || *got != *tk {
		t.Fatalf("open: %+v %v", got, err)
	}
	raw2, _ := s.seal(tk)
	if raw2 == raw {
		t.Fatal("two seals of one ticket are equal (nonce reused)")
	}
	flip := func(r string, i int) string {
		b, _ := base64.RawURLEncoding.DecodeString(r[len(ticketPrefix):])
		b[(i+len(b))%len(b)] ^= 1
		return ticketPrefix + base64.RawURLEncoding.EncodeToString(b)
	}
	otherRaw, _ := other.seal(tk)
	for name, c := range map[string]struct{ raw, prov, lib, sub string }{
		"another caller":   {raw, "smh", "smhdev", "bob"},
		"another library":  {raw, "smh", "smhmedia", "alice"},
		"another provider": {raw, "pds", "smhdev", "alice"},
		"another key":      {otherRaw, "smh", "smhdev", "alice"},
		"nonce altered":    {flip(raw, 0), "smh", "smhdev", "alice"},
		"body altered":     {flip(raw, 20), "smh", "smhdev", "alice"},
		"tag altered":      {flip(raw, -1), "smh", "smhdev", "alice"},
		"truncated":        {raw[:len(raw)-4], "smh", "smhdev", "alice"},
		"no prefix":        {strings.TrimPrefix(raw, ticketPrefix), "smh", "smhdev", "alice"},
		"empty":            {"", "smh", "smhdev", "alice"},
		"prefix only":      {ticketPrefix, "smh", "smhdev", "alice"},
		"not base64":       {ticketPrefix + "!!!", "smh", "smhdev", "alice"},
		"huge":             {ticketPrefix + strings.Repeat("A", 5000), "smh", "smhdev", "alice"},
	} {
		if _, _, err := s.open(c.raw, c.prov, c.lib, c.sub, 0); err != errTicket {
			t.Errorf("%s: %v, want refused", name, err)
		}
	}
	now = now.Add(time.Hour)
	if _, why, err := s.open(raw, "smh", "smhdev", "alice", 0); err != errTicket || why != "expired" {
		t.Errorf("expired: %v %q", err, why)
	}
	if _, err := newTicketSealer([]byte("short"), clock); err == nil {
		t.Error("a short key was accepted")
	}
}

// Go's base64 decoder skips CR and LF even in strict mode, so a ticket with a line break
// inserted decoded to the same bytes (a fuzzing finding): one ticket, one spelling.
func TestTicketOneSpelling(t *testing.T) {
	s, _ := newTicketSealer([]byte(strings.Repeat("k", 32)), time.Now)
	good, err := s.seal(&Ticket{Provider: "smh", Library: "l", Subject: "a", Path: "/users/a/x", Size: 5,
		Expires: time.Now().Add(time.Hour).Unix()})
	require.NoError(t, err)
	_, _, err = s.open(good, "smh", "l", "a", 0)
	require.NoError(t, err)
	for _, insert := range []string{"\r", "\n", "\r\n", " ", "=", "+", "/"} {
		at := len(ticketPrefix) + 7
		raw := good[:at] + insert + good[at:]
		_, why, err := s.open(raw, "smh", "l", "a", 0)
		assert.Equal(t, errTicket, err, "%q inserted: the ticket still opened", insert)
		assert.Equal(t, "malformed", why, "%q inserted", insert)
	}
}

func FuzzTicketOpen(f *testing.F) {
	s, _ := newTicketSealer([]byte(strings.Repeat("k", 32)), time.Now)
	// A fixed expiry: the fuzzing workers are separate processes that each run this setup,
	// and a ticket sealed by one must open to the same content in another.
	want := Ticket{Provider: "smh", Library: "l", Subject: "a", Path: "/users/a/x", Size: 5, Session: "key",
		Expires: time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).Unix()}
	good, _ := s.seal(&want)
	f.Add(good)
	f.Add(ticketPrefix)
	f.Add("")
	f.Fuzz(func(t *testing.T, raw string) {
		tk, _, err := s.open(raw, "smh", "l", "a", 0)
		// Only what this sealer sealed opens, unchanged: any other string is refused.
		if err == nil && *tk != want {
			t.Fatalf("opened a forged ticket: %q → %+v", raw, tk)
		}
		if err == nil {
			// One spelling per ticket (the fuzzing processes each seal their own, so the
			// check is canonical form rather than equality with good).
			b, derr := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(raw, ticketPrefix))
			if derr != nil || ticketPrefix+base64.RawURLEncoding.EncodeToString(b) != raw {
				t.Fatalf("another spelling of a ticket opened: %q", raw)
			}
		}
	})
}
