package function_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/function"
)

// apiGatewayLimit is the fixed integration timeout of an API Gateway HTTP API.
const apiGatewayLimit = 30 * time.Second

// On Lambda the webhook is delivered before the answer, so the invocation must outlast a
// confirm's worst case: the JWKS fetch, every SMH call timing out once and then answering
// at its timeout, and every webhook attempt timing out. The SMH calls are counted on the
// confirm with the most of them: each kind of call finds its server token dead once, so
// the token is minted again and the call repeated. The README's figures and every
// `--timeout N` in it are checked against this sum.
func TestLambdaTimeoutCoversConfirm(t *testing.T) {
	t.Parallel()
	var (
		mu      sync.Mutex
		calls   int
		refused = map[string]bool{}
	)
	e := newEnv(t, withConfig(func(c *function.Config) {
		up, err := url.Parse(c.APIBase)
		if err != nil {
			t.Fatal(err)
		}
		rp := httputil.NewSingleHostReverseProxy(up)
		rp.Transport = c.HTTPClient.Transport
		proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			calls++
			kind := r.Method + " " + queryKeys(r.URL.Query())
			first := r.URL.Path != "/api/v1/token" && !refused[kind]
			refused[kind] = refused[kind] || first
			mu.Unlock()
			if first {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprint(w, `{"code":"InvalidAccessToken","message":"dead on first use (test)"}`)
				return
			}
			rp.ServeHTTP(w, r)
		}))
		t.Cleanup(proxy.Close)
		c.APIBase = proxy.URL
	}))
	e.mkdir("/users/alice")
	key := e.upload(e.token("alice", "uploader"), "-", "/users/alice/t.txt", []byte("timeout"), 0)
	mu.Lock()
	calls = 0
	mu.Unlock()
	if a := e.do("POST", "/v1/confirm", bearer(t, "alice", "uploader"), confirmBody(key)); a.Status != 200 {
		t.Fatalf("confirm: %d %s", a.Status, a.Body)
	}
	mu.Lock()
	n := calls
	mu.Unlock()

	timeout, pause := function.UpstreamRetry(e.h)
	perCall := timeout + pause + timeout
	smhWorst := time.Duration(n) * perCall
	hook := time.Duration(len(function.WebhookBackoff)+1) * function.WebhookAttemptTimeout
	for _, d := range function.WebhookBackoff {
		hook += d
	}
	total := function.JWKSFetchTimeout + smhWorst + hook
	t.Logf("SMH calls %d × %v = %v; JWKS %v; webhook %v; total %v", n, perCall, smhWorst, function.JWKSFetchTimeout, hook, total)

	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	secs := func(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " s" }
	for _, fig := range []string{fmt.Sprintf("%d SMH calls", n), secs(perCall), secs(smhWorst), secs(hook), secs(total)} {
		if !strings.Contains(s, fig) {
			t.Errorf("README.md does not state %q (the Lambda timeout's arithmetic changed)", fig)
		}
	}
	timeouts := regexp.MustCompile(`--timeout (\d+)`).FindAllStringSubmatch(s, -1)
	if len(timeouts) == 0 {
		t.Fatal("README.md sets no Lambda --timeout")
	}
	for _, m := range timeouts {
		if n, _ := strconv.Atoi(m[1]); time.Duration(n)*time.Second <= total {
			t.Errorf("README.md: --timeout %s s does not cover a confirm's worst case of %v", m[1], total)
		}
	}
	// The README says the webhook alone fits under API Gateway's limit.
	if hook >= apiGatewayLimit {
		t.Errorf("the webhook's worst case %v reaches API Gateway's %v", hook, apiGatewayLimit)
	}
}

func queryKeys(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}
