package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/shared/smhemu"
)

const (
	origin     = "https://app.example.com"
	hs256      = "bootstrap-test-hs256-secret-0123456789"
	libSecret  = "bootstrap-test-library-secret"
	ticketKey  = "bootstrap-test-ticket-key-0123456789abcdef"
	urlDomain  = "abc.lambda-url.eu-west-1.on.aws"
	apigwHost  = "abc.execute-api.eu-west-1.amazonaws.com"
	apigwStage = "prod"
)

// bootstrap builds the real bootstrap (-tags lambda.norpc, as scripts/package-lambda does).
func bootstrap(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "bootstrap")
	build := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// TestBootstrap runs the real bootstrap against a fake Lambda Runtime API and an SMH
// emulator, once per FERRY_LAMBDA_EVENT mode, with the default policy (its role brokered):
// GET /healthz, POST /v1/token (a brokered answer, no SMH token), POST /v1/uploads (begins
// the upload upstream), the bytes to the data plane, POST /v1/uploads/{id}/complete; each
// answer in the shape its trigger expects.
func TestBootstrap(t *testing.T) {
	bin := bootstrap(t)
	auth := "Bearer " + signJWT(t, jwt.MapClaims{"sub": "alice", "role": "uploader", "exp": time.Now().Add(time.Hour).Unix()})
	for _, mode := range []string{"url", "apigw"} {
		t.Run(mode, func(t *testing.T) {
			emu, smhURL := emulator(t)
			fn := start(t, bin, mode, smhEnv(smhURL, "FERRY_TICKET_KEY="+ticketKey))
			base := "https://" + urlDomain
			if mode == "apigw" {
				base = "https://" + apigwHost + "/" + apigwStage
			}

			a := fn.call(t, event(mode, "GET", "/healthz", nil, ""))
			if a.status != 200 || a.headers["Access-Control-Allow-Origin"] != origin || strings.TrimSpace(string(a.body)) != `{"ok":true}` {
				t.Fatalf("healthz: %d %v %s", a.status, a.headers, a.body)
			}

			a = fn.call(t, event(mode, "POST", "/v1/token", map[string]string{"authorization": auth}, ""))
			var tok map[string]any
			if a.status != 200 || json.Unmarshal(a.body, &tok) != nil || tok["mode"] != "brokered" || tok["uploadsUrl"] != base+"/v1/uploads" {
				t.Fatalf("token: %d %s", a.status, a.body)
			}
			if _, ok := tok["accessToken"]; ok {
				t.Fatalf("the default role's answer carries an SMH token: %s", a.body)
			}

			data := bytes.Repeat([]byte("lambda!"), 1000)
			a = fn.call(t, event(mode, "POST", "/v1/uploads", map[string]string{"authorization": auth},
				fmt.Sprintf(`{"path":"/lambda/a.bin","size":%d,"conflict":"fail"}`, len(data))))
			var begun struct {
				Upload struct {
					ID      string
					Path    string
					Targets []struct {
						URL     string
						Method  string
						Offset  int64
						Length  int64
						Headers map[string]string
					}
				}
			}
			if a.status != 201 || json.Unmarshal(a.body, &begun) != nil || begun.Upload.ID == "" ||
				begun.Upload.Path != "/users/alice/lambda/a.bin" || len(begun.Upload.Targets) != 1 {
				t.Fatalf("begin: %d %s", a.status, a.body)
			}
			open, err := emu.OpenUploads("smhdev", "-")
			if err != nil || len(open) != 1 || open[0].Path != "/users/alice/lambda/a.bin" {
				t.Fatalf("upstream tasks after the begin: %+v %v", open, err)
			}
			tg := begun.Upload.Targets[0]
			put(t, tg.Method, tg.URL, tg.Headers, data[tg.Offset:tg.Offset+tg.Length])

			a = fn.call(t, event(mode, "POST", "/v1/uploads/"+begun.Upload.ID+"/complete", map[string]string{"authorization": auth},
				fmt.Sprintf(`{"crc64":"%d"}`, hashes.CRC64(data))))
			var done struct{ File struct{ Path string } }
			if a.status != 200 || json.Unmarshal(a.body, &done) != nil || done.File.Path != "/users/alice/lambda/a.bin" {
				t.Fatalf("complete: %d %s", a.status, a.body)
			}
			if got, err := emu.ReadFile("smhdev", "-", "/users/alice/lambda/a.bin"); err != nil || !bytes.Equal(got, data) {
				t.Fatalf("stored: %d bytes, %v", len(got), err)
			}
		})
	}
}

// TestBootstrapNeedsTicketKey: without FERRY_TICKET_KEY (and without DEV_MODE) the bootstrap
// of the default, brokered policy refuses to start, naming the variable.
func TestBootstrapNeedsTicketKey(t *testing.T) {
	bin := bootstrap(t)
	_, smhURL := emulator(t)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a refused start called the Runtime API: %s %s", r.Method, r.URL.Path)
		w.WriteHeader(http.StatusBadRequest)
	}))
	defer api.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(smhEnv(smhURL), "AWS_LAMBDA_RUNTIME_API="+strings.TrimPrefix(api.URL, "http://"))
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "FERRY_TICKET_KEY is required") {
		t.Fatalf("exit %v, output:\n%s", err, out)
	}
}

func signJWT(t *testing.T, c jwt.MapClaims) string {
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(hs256))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// emulator serves an SMH emulator with the library smhdev on a loopback URL.
func emulator(t *testing.T) (*smhemu.Emulator, string) {
	emu, err := smhemu.New(smhemu.Options{Libraries: []smhemu.Library{{ID: "smhdev", Secret: libSecret, Kind: smhemu.KindFile}}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(emu)
	t.Cleanup(func() { ts.Close(); emu.Close() })
	return emu, ts.URL
}

// smhEnv is the function's environment (no POLICY: the default policy) plus extra.
func smhEnv(smhURL string, extra ...string) []string {
	return append([]string{
		"SMH_API_BASE=" + smhURL, "SMH_LIBRARY_ID=smhdev", "SMH_LIBRARY_SECRET=" + libSecret,
		"AUTH_HS256_SECRET=" + hs256, "ALLOWED_ORIGINS=" + origin,
	}, extra...)
}

// event renders a request as the trigger of mode delivers it: a Function URL event, or an
// API Gateway HTTP API (payload 2.0) event of the stage apigwStage.
func event(mode, method, path string, headers map[string]string, body string) string {
	h := map[string]string{"origin": origin}
	if body != "" {
		h["content-type"] = "application/json"
	}
	for k, v := range headers {
		h[k] = v
	}
	ev := map[string]any{"version": "2.0", "rawQueryString": "", "headers": h, "body": body, "isBase64Encoded": false}
	rc := map[string]any{"http": map[string]string{"method": method, "path": path, "sourceIp": "203.0.113.9"}}
	switch mode {
	case "url":
		ev["rawPath"], rc["domainName"] = path, urlDomain
	case "apigw":
		staged := "/" + apigwStage + path
		ev["rawPath"], ev["routeKey"] = staged, "$default"
		rc["domainName"], rc["stage"] = apigwHost, apigwStage
		rc["http"] = map[string]string{"method": method, "path": staged, "sourceIp": "203.0.113.9"}
	}
	ev["requestContext"] = rc
	b, _ := json.Marshal(ev)
	return string(b)
}

func put(t *testing.T, method, url string, headers map[string]string, data []byte) {
	req, err := http.NewRequest(method, url, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("%s %d: %s", method, resp.StatusCode, b)
	}
}

// proc is a running bootstrap behind a fake Runtime API that hands it one event per call.
type proc struct {
	mode    string
	events  chan string
	answers chan []byte
	exited  chan error
	out     *lockedBuffer
	kill    func()
}

// answer is an invocation's HTTP answer, decoded from the trigger's response shape.
type answer struct {
	status  int
	headers map[string]string
	body    []byte
}

func start(t *testing.T, bin, mode string, env []string) *proc {
	f := &proc{mode: mode, events: make(chan string), answers: make(chan []byte, 1), exited: make(chan error, 1), out: &lockedBuffer{}}
	var mu sync.Mutex
	current := ""
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		const prefix = "/2018-06-01/runtime/invocation/"
		switch {
		case r.Method == "GET" && r.URL.Path == prefix+"next":
			select {
			case ev := <-f.events:
				mu.Lock()
				current = fmt.Sprintf("req-%d", time.Now().UnixNano())
				id := current
				mu.Unlock()
				w.Header().Set("Lambda-Runtime-Aws-Request-Id", id)
				w.Header().Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(time.Minute).UnixMilli()))
				w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:000000000000:function:ferry-token")
				io.WriteString(w, ev)
			case <-r.Context().Done(): // the next event never comes
			}
		case r.Method == "POST" && strings.HasPrefix(r.URL.Path, prefix) && strings.HasSuffix(r.URL.Path, "/response"):
			mu.Lock()
			id := current
			mu.Unlock()
			b, _ := io.ReadAll(r.Body)
			if r.URL.Path != prefix+id+"/response" {
				t.Errorf("answer to %s, want the invocation %s", r.URL.Path, id)
			}
			w.WriteHeader(http.StatusAccepted)
			f.answers <- b
		default:
			b, _ := io.ReadAll(r.Body)
			t.Errorf("unexpected %s %s: %s", r.Method, r.URL.Path, b)
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	cmd := exec.Command(bin)
	cmd.Env = append(env, "AWS_LAMBDA_RUNTIME_API="+strings.TrimPrefix(api.URL, "http://"), "FERRY_LAMBDA_EVENT="+mode)
	cmd.Stdout, cmd.Stderr = f.out, f.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { f.exited <- cmd.Wait() }()
	f.kill = func() { cmd.Process.Kill() }
	t.Cleanup(func() {
		f.kill()
		<-f.exited
		f.exited <- nil // for a call after the cleanup's wait
		api.Close()
	})
	return f
}

// stuck bounds a call whose process neither answers nor exits (a hang), so the failure shows
// the process's output; the calls themselves wait for the answer or the exit.
const stuck = 2 * time.Minute

// call hands the bootstrap one event and returns its answer; the process exiting fails the
// test with its output.
func (f *proc) call(t *testing.T, ev string) answer {
	t.Helper()
	fail := func(what string, err error) {
		t.Helper()
		f.kill()
		t.Fatalf("%s (%v); output:\n%s", what, err, f.out.String())
	}
	select {
	case f.events <- ev:
	case err := <-f.exited:
		f.exited <- err
		fail("the bootstrap exited before taking the event", err)
	case <-time.After(stuck):
		fail("the bootstrap took no event", nil)
	}
	var raw []byte
	select {
	case raw = <-f.answers:
	case err := <-f.exited:
		f.exited <- err
		fail("the bootstrap exited without an answer", err)
	case <-time.After(stuck):
		fail("no answer", nil)
	}
	a, err := decode(f.mode, raw)
	if err != nil {
		t.Fatalf("answer %q: %v", raw, err)
	}
	return a
}

// decode reads an answer in its trigger's shape: for a Function URL with RESPONSE_STREAM
// (application/vnd.awslambda.http-integration-response) a JSON prelude, 8 NULs, the body; for
// API Gateway a JSON object with the body inside.
func decode(mode string, raw []byte) (answer, error) {
	var p struct {
		StatusCode      int               `json:"statusCode"`
		Headers         map[string]string `json:"headers"`
		Body            string            `json:"body"`
		IsBase64Encoded bool              `json:"isBase64Encoded"`
	}
	if mode == "url" {
		prelude, body, ok := bytes.Cut(raw, make([]byte, 8))
		if !ok {
			return answer{}, fmt.Errorf("no prelude")
		}
		if err := json.Unmarshal(prelude, &p); err != nil {
			return answer{}, err
		}
		return answer{p.StatusCode, p.Headers, body}, nil
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return answer{}, err
	}
	body := []byte(p.Body)
	if p.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(p.Body); err != nil {
			return answer{}, err
		}
	}
	return answer{p.StatusCode, p.Headers, body}, nil
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }
