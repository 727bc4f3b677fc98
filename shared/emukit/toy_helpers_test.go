package emukit_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// toyEnv is a toy provider behind a real loopback listener, and a small client.
type toyEnv struct {
	t    *testing.T
	toy  *toy
	kit  *emukit.Kit
	srv  *emukit.Server // nil when the test serves the kit itself
	base string
	hc   *http.Client
}

func newToyEnv(t *testing.T, dataDir string) *toyEnv {
	t.Helper()
	ty, err := newToy(dataDir)
	require.NoError(t, err)
	srv, err := emukit.NewServer(ty.kit)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return &toyEnv{t: t, toy: ty, kit: ty.kit, srv: srv, base: srv.URL(), hc: srv.HTTPClient()}
}

// answer is a response with its body read.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) code() string {
	var e struct{ Error string }
	_ = json.Unmarshal(a.body, &e)
	return e.Error
}

// do sends a request; body may be nil, string or []byte.
func (e *toyEnv) do(method, path string, body any, hdr ...string) answer {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.base+path, r)
	require.NoError(e.t, err)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.hc.Do(req)
	require.NoError(e.t, err, "%s %s", method, path)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// expect fails unless the answer has the status and (if not "") the toy error code.
func expect(t *testing.T, a answer, status int, code string) {
	t.Helper()
	if a.status != status || code != "" && a.code() != code {
		t.Fatalf("got %d %s, want %d %s", a.status, a.body, status, code)
	}
}

// begin opens an upload and returns its id.
func (e *toyEnv) begin(name string, size int) string {
	e.t.Helper()
	a := e.do("POST", fmt.Sprintf("/toy/uploads?name=%s&size=%d", name, size), nil)
	expect(e.t, a, 201, "")
	var ans struct{ ID string }
	require.NoError(e.t, json.Unmarshal(a.body, &ans))
	return ans.ID
}

// upload runs a whole upload and returns the done answer.
func (e *toyEnv) upload(name string, data []byte) answer {
	e.t.Helper()
	id := e.begin(name, len(data))
	expect(e.t, e.do("PUT", "/toy/data/"+id, data), 200, "")
	return e.do("POST", "/toy/uploads/"+id+"/done", nil)
}

func (e *toyEnv) setFaults(body string) {
	e.t.Helper()
	expect(e.t, e.do("POST", "/_emulator/faults", body), 200, "")
}

// waitFor polls cond until it holds, failing after a deadline generous enough for a busy
// machine: tests wait for events, never for a time tuned to an idle one.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// random returns n pseudo-random bytes from seed.
func random(n int, seed uint64) []byte {
	b := make([]byte, n)
	x := seed*0x9E3779B97F4A7C15 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}
