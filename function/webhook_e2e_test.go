package function_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/function"
)

type delivery struct {
	header string
	body   []byte
}

func receiver(t *testing.T) (*httptest.Server, chan delivery) {
	ch := make(chan delivery, 10)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if !verifyFerrySignature(webhookSecret, r.Header.Get("Ferry-Signature"), b, time.Now()) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		ch <- delivery{r.Header.Get("Ferry-Signature"), b}
	}))
	t.Cleanup(ts.Close)
	return ts, ch
}

// After a confirm through the function, the webhook arrives signed; the receiver verifies
// it with the README's snippet.
func TestWebhookDelivered(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"before answering", "background"} {
		t.Run(mode, func(t *testing.T) {
			ts, got := receiver(t)
			e := newEnv(t, withConfig(func(c *function.Config) {
				c.WebhookURL, c.WebhookSecret = ts.URL, webhookSecret
				if mode == "background" {
					c.Background = func(task func()) { go task() }
				}
			}))
			e.mkdir("/users/alice")
			tok := e.token("alice", "uploader")
			key := e.upload(tok, "-", "/users/alice/w.txt", []byte("webhook"), 0)
			a := e.do("POST", "/v1/confirm", bearer(t, "alice", "uploader"), confirmBody(key))
			if a.Status != 200 {
				t.Fatalf("%d %s", a.Status, a.Body)
			}
			var d delivery
			select {
			case d = <-got:
			case <-time.After(5 * time.Second):
				t.Fatal("no webhook")
			}
			var ev map[string]any
			if err := json.Unmarshal(d.body, &ev); err != nil {
				t.Fatal(err)
			}
			if len(ev) != 8 || ev["userId"] != "alice" || ev["path"] != "/users/alice/w.txt" || ev["size"] != float64(7) ||
				ev["libraryId"] != "smhdev" || ev["spaceId"] != "-" || !webhookIDPattern.MatchString(ev["id"].(string)) {
				t.Fatalf("event %s", d.body)
			}
			if _, err := strconv.ParseUint(ev["crc64"].(string), 10, 64); err != nil {
				t.Fatalf("crc64 %v", ev["crc64"])
			}
			if _, err := time.Parse(time.RFC3339, ev["confirmedAt"].(string)); err != nil {
				t.Fatalf("confirmedAt %v", ev["confirmedAt"])
			}
			if !regexp.MustCompile(`^t=\d+,v1=[0-9a-f]{64}$`).MatchString(d.header) {
				t.Fatalf("header %q", d.header)
			}
			// A replay: the same delivery 10 minutes later is refused by the snippet.
			if verifyFerrySignature(webhookSecret, d.header, d.body, time.Now().Add(10*time.Minute)) {
				t.Fatal("replay accepted")
			}
			if verifyFerrySignature(webhookSecret, d.header, append(d.body, ' '), time.Now()) {
				t.Fatal("tampered body accepted")
			}
			// A replay within the tolerance: the README's handler processes the id once.
			runs := 0
			for range 2 {
				if err := handleFerryWebhook(webhookSecret, d.header, d.body, func(ferryEvent) error { runs++; return nil }); err != nil {
					t.Fatal(err)
				}
			}
			if runs != 1 {
				t.Fatalf("a replayed delivery was processed %d times", runs)
			}
		})
	}
}

// The package's own helpers agree with the snippets.
func TestSignatureHelpers(t *testing.T) {
	body := []byte(`{"userId":"alice"}`)
	now := time.Now()
	h := function.Sign(webhookSecret, now, body)
	if !verifyFerrySignature(webhookSecret, h, body, now) {
		t.Fatal("snippet refuses Sign")
	}
	if err := function.VerifySignature(webhookSecret, h, body, now, 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	if function.VerifySignature("other-secret", h, body, now, 5*time.Minute) == nil {
		t.Fatal("wrong secret accepted")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed; the Node snippet is not run")
	}
	script := nodeSnippet + `
const [secret, header, body] = [process.env.S, process.env.H, process.env.B];
if (!verifyFerrySignature(secret, header, body)) process.exit(1);
if (verifyFerrySignature(secret, header, body + " ")) process.exit(2);
if (verifyFerrySignature(secret, header, body, Math.floor(Date.now() / 1000) + 600)) process.exit(3);
`
	cmd := exec.Command(node, "-e", script)
	cmd.Env = append(os.Environ(), "S="+webhookSecret, "H="+h, "B="+string(body))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node snippet: %v %s", err, out)
	}
}

// The README shows the snippets that the tests run.
func TestREADMESnippets(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("webhook_snippet_test.go")
	if err != nil {
		t.Fatal(err)
	}
	between := func(s, begin, end string) string {
		i, j := strings.Index(s, begin), strings.Index(s, end)
		if i < 0 || j < i {
			t.Fatalf("markers %q missing", begin)
		}
		return strings.TrimSpace(s[i+len(begin) : j])
	}
	for _, lang := range []string{"go", "node"} {
		snip := between(string(src), "// snippet:"+lang+":begin", "// snippet:"+lang+":end")
		if !strings.Contains(string(readme), snip) {
			t.Errorf("README.md does not show the %s verification snippet of webhook_snippet_test.go verbatim", lang)
		}
	}
}
