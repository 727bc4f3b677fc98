package emukit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// toyOutcomes runs a fixed mix of control- and data-plane requests and records what each got.
func toyOutcomes(e *toyEnv, id string) string {
	var out []string
	for range 30 {
		a := e.do("GET", "/toy/files/none", nil)         // data plane: 404 unless faulted
		b := e.do("POST", "/toy/uploads/none/done", nil) // control plane: 404 unless faulted
		p := e.do("PUT", "/toy/data/"+id, "abc")         // data plane: 200 unless faulted
		out = append(out, fmt.Sprintf("%d/%d/%d", a.status, b.status, p.status))
	}
	return strings.Join(out, " ")
}

func TestToyFaultsRepeatFromSeed(t *testing.T) {
	e := newToyEnv(t, "")
	id := e.begin("f.bin", 3)
	cfg := func(seed int) string {
		return fmt.Sprintf(`{"seed":%d,"dataPlane":{"rate":0.4,"kinds":["500","503"]},"controlPlane":{"rate":0.3,"kinds":["503","500"]}}`, seed)
	}
	e.setFaults(cfg(42))
	first := toyOutcomes(e, id)
	injected := e.kit.Stats().FaultsInjected
	e.setFaults(cfg(42))
	require.Equal(t, first, toyOutcomes(e, id), "same seed, same requests: same faults")
	require.NotZero(t, injected)
	require.Contains(t, first, "404/404/200")
	require.Contains(t, first, "503")
	require.Contains(t, first, "500")
	e.setFaults(cfg(43))
	require.NotEqual(t, first, toyOutcomes(e, id), "another seed")

	// The planes draw independently: extra control-plane requests shift no data-plane fault.
	e.setFaults(cfg(42))
	var data []string
	for range 30 {
		a := e.do("GET", "/toy/files/none", nil)
		e.do("POST", "/toy/uploads/none/done", nil)
		e.do("POST", "/toy/uploads/none/done", nil) // one more
		p := e.do("PUT", "/toy/data/"+id, "abc")
		data = append(data, fmt.Sprintf("%d/%d", a.status, p.status))
	}
	var want []string
	for _, o := range strings.Fields(first) {
		f := strings.Split(o, "/")
		want = append(want, f[0]+"/"+f[2])
	}
	require.Equal(t, strings.Join(want, " "), strings.Join(data, " "))
}

// TestToyFaultsBeforeStateChange: a faulted request has changed nothing, so a retry is safe.
func TestToyFaultsBeforeStateChange(t *testing.T) {
	e := newToyEnv(t, "")
	id := e.begin("f.bin", 3)
	expect(t, e.do("PUT", "/toy/data/"+id, "one"), 200, "")

	e.setFaults(`{"controlPlane":{"rate":1,"kinds":["500"]}}`)
	expect(t, e.do("POST", "/toy/uploads?name=g&size=1", nil), 500, "InternalError")
	expect(t, e.do("POST", "/toy/uploads/"+id+"/done", nil), 500, "InternalError")
	expect(t, e.do("GET", "/_emulator/healthz", nil), 200, "") // never faulted
	require.Equal(t, `[{"path":"/f.bin","size":3}]`, string(e.do("GET", "/_emulator/uploads?library=toy", nil).body))
	require.Equal(t, "[]", string(e.do("GET", "/_emulator/files?library=toy", nil).body))

	e.setFaults(`{"dataPlane":{"rate":1,"kinds":["503"]}}`)
	before := e.kit.Stats().DataPlane.BytesReceived
	p := e.do("PUT", "/toy/data/"+id, "two")
	expect(t, p, 503, "ServiceUnavailable")
	require.Equal(t, "1", p.header.Get("Retry-After"))
	require.Equal(t, uint64(3), e.kit.Stats().DataPlane.BytesReceived-before, "a faulted body is read and counted")

	e.setFaults(`{}`)
	expect(t, e.do("POST", "/toy/uploads/"+id+"/done", nil), 200, "")
	require.Equal(t, "one", string(e.do("GET", "/toy/files/f.bin", nil).body), "a faulted PUT replaced nothing")
	st := e.kit.Stats()
	require.Equal(t, uint64(3), st.FaultsInjected)
	require.Equal(t, uint64(1), st.Requests["PUT /toy/data/{id}"]["503"])
	require.Equal(t, uint64(1), st.Requests["POST /toy/uploads/{id}/done"]["500"])
	require.Equal(t, uint64(3), st.DataPlane.ByUpload[id].BytesStored)
}

func TestToyFaultReset(t *testing.T) {
	e := newToyEnv(t, "")
	data := random(64<<10, 3)
	id := e.begin("f.bin", len(data))
	e.setFaults(`{"dataPlane":{"rate":1,"kinds":["reset"]},"controlPlane":{"rate":1,"kinds":["reset"]}}`)
	req, _ := http.NewRequest("PUT", e.base+"/toy/data/"+id, strings.NewReader(string(data)))
	if resp, err := e.hc.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("reset fault answered %d", resp.StatusCode)
	}
	if resp, err := e.hc.Post(e.base+"/toy/uploads?name=g&size=1", "", nil); err == nil {
		resp.Body.Close()
		t.Fatal("control-plane reset answered")
	}
	e.setFaults(`{}`)
	st := e.kit.Stats()
	require.Equal(t, uint64(1), st.Requests["PUT /toy/data/{id}"]["reset"])
	require.Equal(t, uint64(1), st.Requests["POST /toy/uploads"]["reset"])
	require.GreaterOrEqual(t, st.DataPlane.ByUpload[id].BytesReceived, uint64(32<<10), "half the body is read first")
	require.Equal(t, `[{"path":"/f.bin","size":0}]`, string(e.do("GET", "/_emulator/uploads?library=toy", nil).body))
}

// stallRequest sends a request that the faults in force stall, and returns once the stall
// holds it; the request's error arrives on the channel when its connection goes. It uses
// a connection of its own: net/http retries a GET that fails on a reused connection,
// which would be a second stall.
func stallRequest(t *testing.T, kit *emukit.Kit, ctx context.Context, target string) <-chan error {
	t.Helper()
	require.Zero(t, kit.StallsHeld(), "a stall is still held")
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	req, _ := http.NewRequestWithContext(ctx, "GET", target, nil)
	errc := make(chan error, 1)
	go func() {
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
			err = fmt.Errorf("a stalled request got an answer: %d", resp.StatusCode)
		}
		errc <- err
	}()
	waitFor(t, "the stall to begin", func() bool { return kit.StallsHeld() == 1 })
	return errc
}

// stallEnded waits for the stalled request's connection error and for the stall's end.
func stallEnded(t *testing.T, kit *emukit.Kit, errc <-chan error) error {
	t.Helper()
	err := <-errc
	require.Error(t, err)
	require.NotContains(t, err.Error(), "got an answer")
	waitFor(t, "the stall to end", func() bool { return kit.StallsHeld() == 0 })
	return err
}

// TestToyStalls: a stall is counted as it begins and ends when the faults change, when its
// client leaves, or when the server closes.
func TestToyStalls(t *testing.T) {
	e := newToyEnv(t, "")
	route := "GET /toy/files/{name}"
	e.setFaults(`{"dataPlane":{"rate":1,"kinds":["stall"]}}`) // 5 minutes
	errc := stallRequest(t, e.kit, context.Background(), e.base+"/toy/files/x")
	st := e.kit.Stats()
	require.Equal(t, uint64(1), st.Requests[route]["stall"], "a stall in progress is counted")
	require.Equal(t, uint64(1), st.FaultsInjected)
	e.setFaults(`{"dataPlane":{"rate":1,"kinds":["stall"]}}`) // a change ends it
	require.NotErrorIs(t, stallEnded(t, e.kit, errc), context.Canceled)

	ctx, cancel := context.WithCancel(context.Background())
	errc = stallRequest(t, e.kit, ctx, e.base+"/toy/files/x")
	cancel()
	require.ErrorIs(t, stallEnded(t, e.kit, errc), context.Canceled)
	require.Equal(t, uint64(2), e.kit.Stats().Requests[route]["stall"], "each stall counted once")

	errc = stallRequest(t, e.kit, context.Background(), e.base+"/toy/files/x")
	done := make(chan struct{})
	go func() { e.srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute): // the stall would hold it for 5
		t.Fatal("Close waited for a stalled request")
	}
	stallEnded(t, e.kit, errc)
	require.Equal(t, uint64(3), e.kit.Stats().Requests[route]["stall"])
}

// TestToyLatency: latency holds the provider's requests, never test control.
func TestToyLatency(t *testing.T) {
	e := newToyEnv(t, "")
	e.setFaults(`{"latency":"1h"}`)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.base+"/toy/files/x", nil)
	_, err := e.hc.Do(req)
	require.True(t, errors.Is(err, context.DeadlineExceeded), "a request under an hour of latency answered: %v", err)
	expect(t, e.do("GET", "/_emulator/stats", nil), 200, "")
	e.setFaults(`{}`)
	expect(t, e.do("GET", "/toy/files/x", nil), 404, "NoSuchFile")
}

func TestToyFaultConfigValidation(t *testing.T) {
	e := newToyEnv(t, "")
	for _, bad := range []string{
		`{"dataPlane":{"rate":1.5,"kinds":["500"]}}`,
		`{"dataPlane":{"rate":0.5}}`,
		`{"controlPlane":{"rate":0.5,"kinds":["404"]}}`,
		`{"latency":"soon"}`,
		`{"latency":"-1s"}`,
		`{"latency":20}`,
		`{"sede":42}`,
		`{"seed":1}{"seed":2}`,
	} {
		expect(t, e.do("POST", "/_emulator/faults", bad), 400, "InvalidParameter")
	}
	full := `{"seed":42,"dataPlane":{"rate":0.2,"kinds":["500","503","reset","stall"]},"controlPlane":{"rate":0.05,"kinds":["500"]},"expireUploadAfter":"5s","expireTokenAfter":"30s","latency":"20ms","stallFor":"1m0s"}`
	a := e.do("POST", "/_emulator/faults", full)
	expect(t, a, 200, "")
	require.JSONEq(t, full, string(a.body))
	require.Equal(t, string(a.body), string(e.do("GET", "/_emulator/faults", nil).body))
	require.Equal(t, emukit.Duration(5*time.Second), e.kit.Faults().ExpireUploadAfter, "providers read the expiry caps")
	var invalid *emukit.Error
	require.ErrorAs(t, e.kit.SetFaults(emukit.FaultConfig{ControlPlane: emukit.PlaneFaults{Rate: 2}}), &invalid)
	require.ErrorIs(t, invalid, emukit.ErrInvalidParameter)
	expect(t, e.do("POST", "/_emulator/faults", `{}`), 200, "")
	require.Equal(t, `{"seed":0}`, string(e.do("GET", "/_emulator/faults", nil).body))
}
