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

// After a completion through the function (a direct role's /v1/confirm, a brokered role's
// /v1/uploads/{id}/complete), the webhook arrives signed; the receiver verifies it with the
// snippet of docs/webhook.md.
func TestWebhookDelivered(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"before answering", "background"} {
		for _, flow := range []string{"direct", "brokered"} {
			t.Run(mode+"/"+flow, func(t *testing.T) {
				t.Parallel()
				ts, got := receiver(t)
				opts := []option{withConfig(func(c *function.Config) {
					c.WebhookURL, c.WebhookSecret = ts.URL, webhookSecret
					if mode == "background" {
						c.Background = func(task func()) { go task() }
					}
				})}
				if flow == "direct" {
					opts = append(opts, withDirect())
				}
				e := newEnv(t, opts...)
				auth := bearer(t, "alice", "uploader")
				data := []byte("webhook")
				var complete func() *answer // completes the upload (again, when called twice)
				if flow == "direct" {
					e.mkdir("/users/alice")
					key := e.upload(e.token("alice", "uploader"), "-", "/users/alice/w.txt", data, 0)
					complete = func() *answer { return e.do("POST", "/v1/confirm", auth, confirmBody(key)) }
				} else {
					a, u := e.begin(auth, beginBody("/w.txt", data))
					if u == nil {
						t.Fatalf("begin: %d %s", a.Status, a.Body)
					}
					e.send(auth, u, data)
					complete = func() *answer { return e.complete(auth, u.ID, data) }
				}
				if a := complete(); a.Status != 200 {
					t.Fatalf("%d %s", a.Status, a.Body)
				}
				d := nextDelivery(t, got)
				checkDelivery(t, d)
				if flow == "brokered" && mode == "before answering" {
					// A completion repeated after a lost answer returns the file again and
					// sends no second webhook (delivered before answering, so it would be here).
					if a := complete(); a.Status != 200 {
						t.Fatalf("repeated complete: %d %s", a.Status, a.Body)
					}
					select {
					case d := <-got:
						t.Fatalf("a second webhook for one upload: %s", d.body)
					default:
					}
				}
			})
		}
	}
}

func nextDelivery(t *testing.T, got chan delivery) delivery {
	t.Helper()
	select {
	case d := <-got:
		return d
	case <-time.After(30 * time.Second): // a bound for a lost delivery, not a wait for one
		t.Fatal("no webhook")
		return delivery{}
	}
}

// checkDelivery checks the event of alice's 7-byte /users/alice/w.txt and its signature,
// and that docs/webhook.md's handler refuses replays and processes the id once.
func checkDelivery(t *testing.T, d delivery) {
	t.Helper()
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
	// A replay within the tolerance: docs/webhook.md's handler processes the id once.
	runs := 0
	for range 2 {
		if err := handleFerryWebhook(webhookSecret, d.header, d.body, func(ferryEvent) error { runs++; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if runs != 1 {
		t.Fatalf("a replayed delivery was processed %d times", runs)
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
		t.Fatal("node is missing, so docs/webhook.md's Node snippet cannot be run: install Node 20 (scripts/test does)")
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

// docs/webhook.md shows the snippets that the tests run.
func TestWebhookDocSnippets(t *testing.T) {
	readme, err := os.ReadFile("../docs/webhook.md")
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
			t.Errorf("docs/webhook.md does not show the %s verification snippet of webhook_snippet_test.go verbatim", lang)
		}
	}
}
