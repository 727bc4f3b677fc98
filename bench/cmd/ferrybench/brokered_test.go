package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ferry-upload/ferry/bench/internal/fig"
	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/smhemu"
)

// benchPolicy is scripts/bench's: the default role as it is, and a direct role beside it.
const benchPolicy = `{"roles":{"uploader":{"grants":["begin_upload"]},"direct":{"grants":["begin_upload"],"mode":"direct"}}}`

// stack is an emulator and a function in front of it, both on loopback, as scripts/bench
// starts them (the function with the bench's ticket key).
func stack(t *testing.T, policy string) (emu *smhemu.Server, fn string) {
	t.Helper()
	emu, err := smhemu.NewServer(smhemu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	var pol *function.Policy
	if policy != "" {
		if pol, err = function.ParsePolicy(policy); err != nil {
			t.Fatal(err)
		}
	}
	h, err := function.New(function.Config{APIBase: emu.URL(), LibraryID: "smhdev", LibrarySecret: "devsecret",
		TicketKey: benchTicketKey, Auth: function.AuthConfig{HS256Secret: benchHS256}, Policy: pol,
		AllowedOrigins: []string{benchOrigin}, RateLimit: function.RateLimit{Off: true}, HTTPClient: httpClient()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return emu, srv.URL
}

// The figures of 7 are of the default token answer: it must be a brokered one, and a direct
// answer (an accessToken) must be refused, not measured.
func TestTokenAnswerChecked(t *testing.T) {
	_, fn := stack(t, benchPolicy)
	hc := httpClient()
	if tok, err := postToken(hc, fn, mintJWT(benchHS256, "alice", "uploader")); err != nil || !strings.HasSuffix(tok.UploadsURL, "/v1/uploads") {
		t.Fatalf("the default role: %+v, %v", tok, err)
	}
	if _, err := postToken(hc, fn, mintJWT(benchHS256, "alice", "direct")); err == nil || !strings.Contains(err.Error(), "accessToken") {
		t.Fatalf("a direct answer was taken for a brokered one: %v", err)
	}
	if tok, err := postTokenDirect(hc, fn, mintJWT(benchHS256, "alice", "direct")); err != nil || tok == "" {
		t.Fatalf("the direct role: %q, %v", tok, err)
	}
	for _, bad := range []string{`{"mode":"brokered"}`, `{"mode":"direct","uploadsUrl":"x"}`, `[]`, `{"mode":"brokered","uploadsUrl":"x","accessToken":""}`} {
		if _, err := checkBrokered([]byte(bad)); err == nil {
			t.Errorf("checkBrokered(%s) accepted", bad)
		}
	}
}

// The default policy with no POLICY at all (what start_pair runs) answers brokered.
func TestDefaultPolicyIsBrokered(t *testing.T) {
	_, fn := stack(t, "")
	if _, err := postToken(httpClient(), fn, mintJWT(benchHS256, "bob", "uploader")); err != nil {
		t.Fatal(err)
	}
}

// Both load flows run without an error, and every client's files are stored (the emulator
// checks each CRC-64 at completion).
func TestLoadFlows(t *testing.T) {
	emu, fn := stack(t, benchPolicy)
	out := t.TempDir()
	for _, flow := range []string{"brokered", "direct"} {
		err := cmdLoad([]string{"-out", out, "-function", fn, "-emulator", emu.URL(), "-clients", "2",
			"-for", "200ms", "-runs", "1", "-flow", flow})
		if err != nil {
			t.Fatalf("%s: %v", flow, err)
		}
	}
	frs, err := fig.ReadFragments(out)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*fig.Stat{}
	for _, fr := range frs {
		for _, f := range fr.Figures {
			got[f.ID] = f.Value
		}
	}
	for _, id := range []string{"8a", "8i"} {
		if got[id] == nil || got[id].Max != 0 {
			t.Errorf("%s errors: %+v", id, got[id])
		}
	}
	for _, id := range []string{"8b", "8j"} {
		if got[id] == nil || got[id].Median <= 0 {
			t.Errorf("%s uploads per second: %+v", id, got[id])
		}
	}
	files, err := emu.Emulator().Files("smhdev", "")
	if err != nil {
		t.Fatal(err)
	}
	byUser := map[string]int{}
	for _, f := range files {
		if f.Size < 4<<10 || f.Size > 64<<10 || !strings.Contains(f.Path, "/load/r0-") {
			t.Errorf("unexpected file %+v", f)
		}
		byUser[strings.Split(f.Path, "/")[2]]++
	}
	for _, u := range []string{"load-0", "load-1", "load-direct-0", "load-direct-1"} {
		if byUser[u] == 0 {
			t.Errorf("no file of %s: %v", u, byUser)
		}
	}
}

// A brokered begin that does not answer one PUT target for a small body is an error, not a
// PUT to nowhere.
func TestBeginBrokeredRefusesOddAnswers(t *testing.T) {
	for _, body := range []string{`{"upload":{"id":"x","targets":[]}}`, `{"upload":{"id":"x","targets":[{"part":1,"method":"PUT"}]}}`, `{"file":{}}`} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(body))
		}))
		if _, _, err := beginBrokered(httpClient(), srv.URL, "jwt", "/a.bin", 10); err == nil {
			t.Errorf("%s accepted", body)
		}
		srv.Close()
	}
}
