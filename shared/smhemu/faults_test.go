package smhemu_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

func setFaults(t *testing.T, e *env, body string) {
	t.Helper()
	expect(t, e.do("POST", "/_emulator/faults", nil, body), 200, "")
}

// outcomes runs a fixed mix of control- and data-plane requests and records what each got.
func outcomes(t *testing.T, e *env, tok string, ui uploadInfo) string {
	var out []string
	for i := range 30 {
		a := e.api("GET", "/api/v1/directory/smhdev/-/", tok, nil)
		p := e.put(ui, 1+i%3, []byte("part"))
		out = append(out, fmt.Sprintf("%d/%d", a.status, p.status))
	}
	return strings.Join(out, " ")
}

func TestFaultsRepeatFromSeed(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok, _ := e.emu.IssueToken("smhdev", smhemu.TokenRequest{Grants: []string{"upload_file"}})
	_, ui := e.begin(tok, "f.bin", true, "", nil)
	cfg := func(seed int) string {
		return fmt.Sprintf(`{"seed":%d,"dataPlane":{"rate":0.4,"kinds":["500","503"]},"controlPlane":{"rate":0.3,"kinds":["503","500"]}}`, seed)
	}
	setFaults(t, e, cfg(42))
	first := outcomes(t, e, tok, ui)
	injected := e.emu.Stats().FaultsInjected
	setFaults(t, e, cfg(42))
	second := outcomes(t, e, tok, ui)
	if first != second {
		t.Fatalf("same seed, other faults:\n%s\n%s", first, second)
	}
	if injected == 0 || !strings.Contains(first, "200/200") || !strings.Contains(first, "503") || !strings.Contains(first, "500") {
		t.Fatalf("implausible fault mix (%d injected): %s", injected, first)
	}
	setFaults(t, e, cfg(43))
	if third := outcomes(t, e, tok, ui); third == first {
		t.Fatal("another seed gave the same faults")
	}
	// The two planes draw independently: control-plane requests do not shift data-plane faults.
	setFaults(t, e, cfg(42))
	var data []string
	for i := range 30 {
		e.api("GET", "/api/v1/directory/smhdev/-/", tok, nil)
		e.api("GET", "/api/v1/directory/smhdev/-/", tok, nil) // an extra control-plane request
		data = append(data, fmt.Sprint(e.put(ui, 1+i%3, []byte("part")).status))
	}
	var want []string
	for _, o := range strings.Fields(first) {
		want = append(want, strings.Split(o, "/")[1])
	}
	if strings.Join(data, " ") != strings.Join(want, " ") {
		t.Fatalf("data-plane faults moved with control-plane traffic:\n%v\n%v", data, want)
	}
	setFaults(t, e, `{}`)
	if e.emu.Faults().ControlPlane.Rate != 0 {
		t.Fatal("{} did not clear the faults")
	}
}

func TestFaultsBeforeStateChange(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok, _ := e.emu.IssueToken("smhdev", smhemu.TokenRequest{Grants: []string{"upload_file"}})
	_, ui := e.begin(tok, "f.bin", true, "", nil)
	expect(t, e.put(ui, 1, []byte("one")), 200, "")

	setFaults(t, e, `{"controlPlane":{"rate":1,"kinds":["500"]}}`)
	a, _ := e.begin(tok, "g.bin", true, "", nil)
	expect(t, a, 500, "InternalError")
	expect(t, e.task("POST", tok, ui.ConfirmKey, "confirm", nil), 500, "InternalError")
	expect(t, e.task("DELETE", tok, ui.ConfirmKey, "upload", nil), 500, "InternalError")
	// Test-control routes are never faulted.
	expect(t, e.do("GET", "/_emulator/healthz", nil, nil), 200, "")
	ups, _ := e.emu.OpenUploads("smhdev", "-")
	if len(ups) != 1 || ups[0].ConfirmKey != ui.ConfirmKey {
		t.Fatalf("a faulted request changed state: %+v", ups)
	}
	if files, _ := e.emu.Files("smhdev", "-"); len(files) != 0 {
		t.Fatalf("faulted confirm stored %+v", files)
	}

	setFaults(t, e, `{"dataPlane":{"rate":1,"kinds":["503"]}}`)
	before := e.emu.Stats().DataPlane.BytesReceived
	p := e.put(ui, 1, []byte("replacement"))
	expect(t, p, 503, "ServiceUnavailable")
	if p.header.Get("Retry-After") == "" || !strings.HasPrefix(string(p.body), "<?xml") {
		t.Fatalf("503: %v %s", p.header, p.body)
	}
	if got := e.emu.Stats().DataPlane.BytesReceived - before; got != uint64(len("replacement")) {
		t.Fatalf("faulted body bytes counted: %d", got)
	}
	setFaults(t, e, `{}`)
	a = e.task("POST", tok, ui.ConfirmKey, "confirm", nil)
	expect(t, a, 200, "")
	if got, _ := e.emu.ReadFile("smhdev", "-", "f.bin"); string(got) != "one" {
		t.Fatalf("a faulted PUT replaced the part: %q", got)
	}
	st := e.emu.Stats()
	if st.FaultsInjected != 4 || st.Requests["PUT /cos/{objectKey}?partNumber&uploadId"]["503"] != 1 ||
		st.Requests["POST /api/v1/file/{libraryId}/{spaceId}/{filePath}?multipart"]["500"] != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestFaultReset(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok, _ := e.emu.IssueToken("smhdev", smhemu.TokenRequest{Grants: []string{"upload_file"}})
	_, ui := e.begin(tok, "f.bin", true, "", nil)
	setFaults(t, e, `{"dataPlane":{"rate":1,"kinds":["reset"]},"controlPlane":{"rate":1,"kinds":["reset"]}}`)
	data := random(64<<10, 3)
	req, _ := http.NewRequest("PUT", "http://"+ui.Domain+ui.Path+"?partNumber=1&uploadId="+ui.UploadID, strings.NewReader(string(data)))
	for k, v := range ui.Headers {
		req.Header.Set(k, v)
	}
	if resp, err := e.hc.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("reset fault answered %d", resp.StatusCode)
	}
	if _, err := e.hc.Get(withToken(e.base+"/api/v1/directory/smhdev/-/", tok)); err == nil {
		t.Fatal("control-plane reset answered")
	}
	setFaults(t, e, `{}`)
	st := e.emu.Stats()
	if st.Requests["PUT /cos/{objectKey}?partNumber&uploadId"]["reset"] != 1 || st.DataPlane.BytesReceived < 32<<10 {
		t.Fatalf("stats %+v", st)
	}
	if ups, _ := e.emu.OpenUploads("smhdev", "-"); len(ups[0].Parts) != 0 {
		t.Fatal("a reset PUT stored a part")
	}
}

// stallRequest sends a request that the faults in force stall, and returns once the stall
// holds it; the request's error arrives on the channel when its connection goes.
func stallRequest(t *testing.T, e *env, ctx context.Context, target string) <-chan error {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", target, nil)
	errc := make(chan error, 1)
	go func() {
		resp, err := e.hc.Do(req)
		if err == nil {
			resp.Body.Close()
			err = fmt.Errorf("a stalled request got an answer: %d", resp.StatusCode)
		}
		errc <- err
	}()
	waitFor(t, "the stall to begin", func() bool { return e.emu.StallsHeld() == 1 })
	return errc
}

func TestFaultStallAndLatency(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok, _ := e.emu.IssueToken("smhdev", smhemu.TokenRequest{})
	route := "GET /api/v1/directory/{libraryId}/{spaceId}/{dirPath}"
	setFaults(t, e, `{"controlPlane":{"rate":1,"kinds":["stall"]}}`)
	errc := stallRequest(t, e, context.Background(), withToken(e.base+"/api/v1/directory/smhdev/-/", tok))
	if st := e.emu.Stats(); st.Requests[route]["stall"] != 1 || st.FaultsInjected != 1 {
		t.Fatalf("a stall in progress is not counted: %+v", st)
	}
	setFaults(t, e, `{"latency":"150ms"}`) // changing the faults ends the stall
	if err := <-errc; err == nil || errors.Is(err, context.Canceled) {
		t.Fatalf("stall: %v", err)
	}
	if n := e.emu.Stats().Requests[route]["stall"]; n != 1 {
		t.Fatalf("stats %+v", e.emu.Stats().Requests)
	}
	start := time.Now()
	expect(t, e.api("GET", "/api/v1/directory/smhdev/-/", tok, nil), 200, "")
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("latency: answered after %v", d)
	}
	// No latency on test control: with an hour of it, test control still answers.
	setFaults(t, e, `{"latency":"1h"}`)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.base+"/_emulator/stats", nil)
	resp, err := e.hc.Do(req)
	if err != nil {
		t.Fatalf("test control delayed: %v", err)
	}
	resp.Body.Close()
}

func TestFaultConfigValidation(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	for _, bad := range []string{
		`{"dataPlane":{"rate":1.5,"kinds":["500"]}}`,
		`{"dataPlane":{"rate":0.5}}`,
		`{"controlPlane":{"rate":0.5,"kinds":["404"]}}`,
		`{"latency":"soon"}`,
		`{"latency":20}`,
		`{"sede":42}`,
	} {
		expect(t, e.do("POST", "/_emulator/faults", nil, bad), 400, "InvalidParameter")
	}
	a := e.do("POST", "/_emulator/faults", nil, `{"seed":42,"dataPlane":{"rate":0.2,"kinds":["500","503","reset","stall"]},"controlPlane":{"rate":0.05,"kinds":["500"]},"expireUploadAfter":"5s","expireTokenAfter":"30s","latency":"20ms"}`)
	expect(t, a, 200, "")
	if got := e.do("GET", "/_emulator/faults", nil, nil); string(got.body) != string(a.body) || !strings.Contains(string(a.body), `"expireUploadAfter":"5s"`) {
		t.Fatalf("faults %s / %s", a.body, got.body)
	}
	expect(t, e.do("POST", "/_emulator/faults", nil, `{}`), 200, "")
	if got := e.do("GET", "/_emulator/faults", nil, nil); string(got.body) != `{"seed":0}` {
		t.Fatalf("cleared faults: %s", got.body)
	}
}

// A stalled request ends when its client gives up, not when the stall's time runs out: the
// handler and connection are freed, and the stall counted once.
func TestFaultStallEndsWhenClientLeaves(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok, _ := e.emu.IssueToken("smhdev", smhemu.TokenRequest{})
	setFaults(t, e, `{"controlPlane":{"rate":1,"kinds":["stall"]}}`) // 5 minutes, unchanged
	ctx, cancel := context.WithCancel(context.Background())
	errc := stallRequest(t, e, ctx, withToken(e.base+"/api/v1/directory/smhdev/-/", tok))
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("stall: %v", err)
	}
	waitFor(t, "the stall to end when the client left", func() bool { return e.emu.StallsHeld() == 0 })
	if n := e.emu.Stats().Requests["GET /api/v1/directory/{libraryId}/{spaceId}/{dirPath}"]["stall"]; n != 1 {
		t.Fatalf("stall counted %d times", n)
	}
}
