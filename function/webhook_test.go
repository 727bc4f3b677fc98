package function

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestWebhookRetries(t *testing.T) {
	for _, c := range []struct {
		name     string
		statuses []int
		attempts int
		ok       bool
	}{
		{"first try", []int{200}, 1, true},
		{"two 5xx then ok", []int{500, 503, 204}, 3, true},
		{"429 then ok", []int{429, 200}, 2, true},
		{"always 5xx", []int{500, 500, 500, 500, 500}, 4, false},
		{"4xx is final", []int{400, 200}, 1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var n atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1)) - 1
				if err := VerifySignature("0123456789abcdef", r.Header.Get(SignatureHeader), mustRead(r), time.Now(), time.Minute); err != nil {
					t.Error(err)
				}
				w.WriteHeader(c.statuses[i])
			}))
			defer ts.Close()
			var slept []time.Duration
			wh := &webhook{url: ts.URL, secret: "0123456789abcdef", client: ts.Client(), now: time.Now,
				sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }}
			attempts, err := wh.deliver(context.Background(), WebhookEvent{UserID: "u"})
			if attempts != c.attempts || (err == nil) != c.ok || int(n.Load()) != c.attempts {
				t.Fatalf("attempts %d (server saw %d), err %v", attempts, n.Load(), err)
			}
			for i, d := range slept {
				if d != webhookBackoff[i] {
					t.Fatalf("backoff %v", slept)
				}
			}
		})
	}
}

func mustRead(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	return b
}
