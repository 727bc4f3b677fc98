package function

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader carries the webhook signature:
//
//	Ferry-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 under WEBHOOK_SECRET of "<t>." + body>
const SignatureHeader = "Ferry-Signature"

// WebhookEvent is the body of the completion webhook. ID is the same on every delivery
// attempt of one confirm, so a receiver processes each ID once.
type WebhookEvent struct {
	ID          string `json:"id"`
	LibraryID   string `json:"libraryId"`
	SpaceID     string `json:"spaceId"`
	UserID      string `json:"userId"`
	Path        string `json:"path"`
	Size        int64  `json:"size"`
	Crc64       string `json:"crc64"`          // "" where the provider states none (Gokuai)
	SHA1        string `json:"sha1,omitempty"` // the provider's SHA-1 of the bytes, where it states one (Gokuai)
	ConfirmedAt string `json:"confirmedAt"`
}

// newWebhookID returns "whk_" and 128 random bits in lower-case base32 (26 characters,
// crypto/rand.Text). Random rather than derived or counted: instances share no state
// (Lambda, Workers), a collision takes about 2^64 ids, and it tells a receiver nothing
// about the upload or the volume of uploads.
func newWebhookID() string { return "whk_" + strings.ToLower(rand.Text()) }

// Delivery: up to 4 attempts, 3 s each, pausing 0.5, 1 and 2 s; retried on network
// errors, 408, 429 and 5xx.
var webhookBackoff = []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}

const webhookAttemptTimeout = 3 * time.Second

type webhook struct {
	url    string
	secret Secret
	client *http.Client
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error
}

// Sign computes the Ferry-Signature value for body at time t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature checks a Ferry-Signature header against body: the HMAC must match and
// the signed time must be within tolerance of now (so an old delivery cannot be replayed).
func VerifySignature(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return errors.New("malformed signature header")
	}
	if d := now.Sub(time.Unix(t, 0)); d > tolerance || d < -tolerance {
		return errors.New("signature timestamp outside the tolerance")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	want := hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return errors.New("signature mismatch")
	}
	return nil
}

// deliver posts ev, retrying with backoff; it returns the number of attempts and the last
// error (nil once delivered). Every attempt sends the same body (so the same ID); only the
// signature's time is new.
func (wh *webhook) deliver(ctx context.Context, ev WebhookEvent) (int, error) {
	body, _ := json.Marshal(ev)
	var last error
	for attempt := 0; ; attempt++ {
		retry, err := wh.post(ctx, body)
		if err == nil {
			return attempt + 1, nil
		}
		last = err
		if !retry || attempt >= len(webhookBackoff) {
			return attempt + 1, last
		}
		if err := wh.sleep(ctx, webhookBackoff[attempt]); err != nil {
			return attempt + 1, last
		}
	}
}

func (wh *webhook) post(ctx context.Context, body []byte) (retry bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, webhookAttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, wh.url, bytes.NewReader(body))
	if err != nil {
		return false, errors.New("bad webhook URL")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SignatureHeader, Sign(string(wh.secret), wh.now(), body)) // signed per attempt
	resp, err := wh.client.Do(req)
	if err != nil {
		return true, errors.New(safeErr(err))
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return false, nil
	case resp.StatusCode == 408 || resp.StatusCode == 429 || resp.StatusCode >= 500:
		return true, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return false, fmt.Errorf("HTTP %d", resp.StatusCode)
}
