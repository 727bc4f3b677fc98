package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBootstrap builds the real bootstrap (-tags lambda.norpc, as scripts/package-lambda
// does) and runs it against a fake Lambda Runtime API, once per FERRY_LAMBDA_EVENT mode:
// one GET /healthz event in, the HTTP answer out in the shape each trigger expects.
func TestBootstrap(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "bootstrap")
	build := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	urlEvent := `{"version":"2.0","rawPath":"/healthz","rawQueryString":"","headers":{"origin":"https://app.example.com"},
		"requestContext":{"domainName":"abc.lambda-url.eu-west-1.on.aws","http":{"method":"GET","path":"/healthz","sourceIp":"203.0.113.9"}},"isBase64Encoded":false}`
	apigwEvent := `{"version":"2.0","routeKey":"$default","rawPath":"/prod/healthz","rawQueryString":"","headers":{"origin":"https://app.example.com"},
		"requestContext":{"stage":"prod","domainName":"abc.execute-api.eu-west-1.amazonaws.com","http":{"method":"GET","path":"/prod/healthz","sourceIp":"203.0.113.9"}},"isBase64Encoded":false}`
	for _, c := range []struct{ mode, event string }{{"url", urlEvent}, {"apigw", apigwEvent}} {
		t.Run(c.mode, func(t *testing.T) {
			got := invoke(t, bin, c.mode, c.event)
			switch c.mode {
			case "url":
				// application/vnd.awslambda.http-integration-response: JSON prelude, 8 NULs, body.
				prelude, body, ok := bytes.Cut(got, make([]byte, 8))
				var p struct {
					StatusCode int               `json:"statusCode"`
					Headers    map[string]string `json:"headers"`
				}
				if !ok || json.Unmarshal(prelude, &p) != nil || p.StatusCode != 200 ||
					p.Headers["Access-Control-Allow-Origin"] != "https://app.example.com" || strings.TrimSpace(string(body)) != `{"ok":true}` {
					t.Fatalf("answer %q", got)
				}
			case "apigw":
				var r struct {
					StatusCode int               `json:"statusCode"`
					Headers    map[string]string `json:"headers"`
					Body       string            `json:"body"`
				}
				if json.Unmarshal(got, &r) != nil || r.StatusCode != 200 || strings.TrimSpace(r.Body) != `{"ok":true}` ||
					r.Headers["Access-Control-Allow-Origin"] != "https://app.example.com" {
					t.Fatalf("answer %s", got)
				}
			}
		})
	}
}

// invoke serves one event through a fake Runtime API and returns the posted answer.
func invoke(t *testing.T, bin, mode, event string) []byte {
	answer := make(chan []byte, 1)
	served := false
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == "GET" && r.URL.Path == "/2018-06-01/runtime/invocation/next":
			if served { // the next event never comes
				<-r.Context().Done()
				return
			}
			served = true
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", "req-1")
			w.Header().Set("Lambda-Runtime-Deadline-Ms", strconvI(time.Now().Add(time.Minute).UnixMilli()))
			w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:000000000000:function:ferry-token")
			io.WriteString(w, event)
		case r.Method == "POST" && r.URL.Path == "/2018-06-01/runtime/invocation/req-1/response":
			b, _ := io.ReadAll(r.Body)
			answer <- b
			w.WriteHeader(http.StatusAccepted)
		default:
			b, _ := io.ReadAll(r.Body)
			t.Errorf("unexpected %s %s: %s", r.Method, r.URL.Path, b)
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	defer api.Close()
	cmd := exec.Command(bin)
	cmd.Env = []string{
		"AWS_LAMBDA_RUNTIME_API=" + strings.TrimPrefix(api.URL, "http://"),
		"FERRY_LAMBDA_EVENT=" + mode,
		"SMH_API_BASE=http://127.0.0.1:9", "SMH_LIBRARY_ID=smhdev", "SMH_LIBRARY_SECRET=unused-secret",
		"AUTH_HS256_SECRET=bootstrap-test-hs256-secret-0123456789", "ALLOWED_ORIGINS=https://app.example.com",
	}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	select {
	case b := <-answer:
		return b
	case <-time.After(20 * time.Second):
		t.Fatalf("no answer; output:\n%s", stderr.String())
	}
	return nil
}

func strconvI(n int64) string { b, _ := json.Marshal(n); return string(b) }
