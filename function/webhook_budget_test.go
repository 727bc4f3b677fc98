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

// deadOnFirstUse puts a proxy before the emulator that answers the first SMH call of each
// kind (method and query keys; token minting aside) InvalidAccessToken, so every kind of
// call finds its server token dead once and is repeated with a new one. It counts the
// function's calls (data-plane PUTs pass untouched).
type deadOnFirstUse struct {
	mu      sync.Mutex
	calls   int
	refused map[string]bool
}

func (d *deadOnFirstUse) option(t *testing.T) option {
	d.refused = map[string]bool{}
	return withConfig(func(c *function.Config) {
		up, err := url.Parse(c.APIBase)
		if err != nil {
			t.Fatal(err)
		}
		rp := httputil.NewSingleHostReverseProxy(up)
		rp.Transport = c.HTTPClient.Transport
		proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == "PUT" { // the browser's bytes to the data plane: no token, no function call
				rp.ServeHTTP(w, r)
				return
			}
			d.mu.Lock()
			d.calls++
			kind := r.Method + " " + queryKeys(r.URL.Query())
			first := r.URL.Path != "/api/v1/token" && !d.refused[kind]
			d.refused[kind] = d.refused[kind] || first
			d.mu.Unlock()
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
	})
}

// count runs f and returns the SMH calls it made.
func (d *deadOnFirstUse) count(f func()) int {
	d.mu.Lock()
	d.calls = 0
	d.mu.Unlock()
	f()
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calls
}

// lambdaWorstCase is an invocation's worst case for a completion that makes n SMH calls:
// the JWKS fetch, every SMH call timing out once and then answering at its timeout, and
// every webhook attempt timing out.
func lambdaWorstCase(h http.Handler, n int) (perCall, smhWorst, hook, total time.Duration) {
	timeout, pause := function.UpstreamRetry(h)
	perCall = timeout + pause + timeout
	smhWorst = time.Duration(n) * perCall
	hook = time.Duration(len(function.WebhookBackoff)+1) * function.WebhookAttemptTimeout
	for _, d := range function.WebhookBackoff {
		hook += d
	}
	return perCall, smhWorst, hook, function.JWKSFetchTimeout + smhWorst + hook
}

// On Lambda the webhook is delivered before the answer, so the invocation must outlast a
// completion's worst case. The SMH calls are counted on the completion with the most of
// them: each kind of call finds its server token dead once, so the token is minted again
// and the call repeated. docs/deploy.md's figures (of a direct role's confirm) and every
// `--timeout N` in it are checked against this sum; the brokered completion (the default
// mode) must fit the same --timeout.
func TestLambdaTimeoutCoversConfirm(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../docs/deploy.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	timeouts := regexp.MustCompile(`--timeout (\d+)`).FindAllStringSubmatch(s, -1)
	if len(timeouts) == 0 {
		t.Fatal("docs/deploy.md sets no Lambda --timeout")
	}
	covered := func(t *testing.T, what string, total time.Duration) {
		for _, m := range timeouts {
			if n, _ := strconv.Atoi(m[1]); time.Duration(n)*time.Second <= total {
				t.Errorf("docs/deploy.md: --timeout %s s does not cover %s's worst case of %v", m[1], what, total)
			}
		}
	}

	t.Run("direct confirm", func(t *testing.T) {
		t.Parallel()
		var d deadOnFirstUse
		e := newEnv(t, withDirect(), d.option(t))
		e.mkdir("/users/alice")
		key := e.upload(e.token("alice", "uploader"), "-", "/users/alice/t.txt", []byte("timeout"), 0)
		n := d.count(func() {
			if a := e.do("POST", "/v1/confirm", bearer(t, "alice", "uploader"), confirmBody(key)); a.Status != 200 {
				t.Fatalf("confirm: %d %s", a.Status, a.Body)
			}
		})
		perCall, smhWorst, hook, total := lambdaWorstCase(e.h, n)
		t.Logf("SMH calls %d × %v = %v; JWKS %v; webhook %v; total %v", n, perCall, smhWorst, function.JWKSFetchTimeout, hook, total)
		secs := func(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " s" }
		for _, fig := range []string{fmt.Sprintf("%d SMH calls", n), secs(perCall), secs(smhWorst), secs(hook), secs(total)} {
			if !strings.Contains(s, fig) {
				t.Errorf("docs/deploy.md does not state %q (the Lambda timeout's arithmetic changed)", fig)
			}
		}
		covered(t, "a confirm", total)
		// docs/deploy.md says the webhook alone fits under API Gateway's limit.
		if hook >= apiGatewayLimit {
			t.Errorf("the webhook's worst case %v reaches API Gateway's %v", hook, apiGatewayLimit)
		}
	})

	t.Run("brokered complete", func(t *testing.T) {
		t.Parallel()
		var d deadOnFirstUse
		e := newEnv(t, d.option(t))
		auth := bearer(t, "alice", "uploader")
		data := pattern(1<<20+1, 9) // two parts: the state lists them, as a resumable upload's does
		a, u := e.begin(auth, beginBody("/t.bin", data))
		if u == nil {
			t.Fatalf("begin: %d %s", a.Status, a.Body)
		}
		e.send(auth, u, data)
		n := d.count(func() {
			if c := e.complete(auth, u.ID, data); c.Status != 200 {
				t.Fatalf("complete: %d %s", c.Status, c.Body)
			}
		})
		_, smhWorst, hook, total := lambdaWorstCase(e.h, n)
		t.Logf("SMH calls %d = %v; webhook %v; total %v", n, smhWorst, hook, total)
		covered(t, "a brokered completion", total)
	})

	// A quick upload is stored by the begin itself (then the webhook goes out), into a
	// folder that does not exist yet, so the function makes it first.
	t.Run("brokered quick upload", func(t *testing.T) {
		t.Parallel()
		var d deadOnFirstUse
		e := newEnv(t, d.option(t))
		data := pattern(3<<20, 4)
		if err := e.emu.PutFile("smhdev", "-", "/users/bob/x.bin", data); err != nil {
			t.Fatal(err)
		}
		n := d.count(func() {
			a, _ := e.begin(bearer(t, "alice", "uploader"), beginBody("/new/q.bin", data, "hashes", quickHashes(data, true)))
			if a.Status != 200 || a.JSON["rapid"] != true {
				t.Fatalf("quick upload: %d %s", a.Status, a.Body)
			}
		})
		_, smhWorst, hook, total := lambdaWorstCase(e.h, n)
		t.Logf("SMH calls %d = %v; webhook %v; total %v", n, smhWorst, hook, total)
		covered(t, "a quick upload", total)
	})
}

func queryKeys(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}
