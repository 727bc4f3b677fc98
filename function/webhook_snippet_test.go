package function_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// docs/webhook.md's verification snippets, kept here so the tests run them verbatim
// (TestWebhookDocSnippets checks that docs/webhook.md shows exactly these).

// snippet:go:begin
// verifyFerrySignature checks the Ferry-Signature header of a webhook against the raw
// request body, with WEBHOOK_SECRET. Refuse the delivery when it returns false.
func verifyFerrySignature(secret, header string, body []byte, now time.Time) bool {
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
	if err != nil || math.Abs(float64(now.Unix()-t)) > 300 {
		return false // malformed, or signed more than 5 minutes away from now: a replay
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return hmac.Equal([]byte(sig), []byte(hex.EncodeToString(mac.Sum(nil))))
}

// ferryEvent is the body of a delivery.
type ferryEvent struct {
	ID          string `json:"id"` // one per confirmed upload, the same on every retry
	LibraryID   string `json:"libraryId"`
	SpaceID     string `json:"spaceId"`
	UserID      string `json:"userId"`
	Path        string `json:"path"`
	Size        int64  `json:"size"`
	Crc64       string `json:"crc64"`
	ConfirmedAt string `json:"confirmedAt"`
}

// processed holds the ids of the deliveries already handled. Ferry retries a delivery (same
// body, same id) when your answer is an error or late, and a captured delivery can be
// replayed within the 5-minute tolerance: handle each id once. A real receiver keeps the
// ids durably (a unique key in its database, written in the same transaction as the work)
// for at least those 5 minutes; an older delivery fails the signature check anyway.
var processed sync.Map

var errBadSignature = errors.New("bad Ferry-Signature")

// handleFerryWebhook verifies a delivery and runs process once per id. Answer 2xx when it
// returns nil (a repeated id too, so Ferry stops retrying), 401 on errBadSignature, else 500.
func handleFerryWebhook(secret, header string, body []byte, process func(ferryEvent) error) error {
	if !verifyFerrySignature(secret, header, body, time.Now()) {
		return errBadSignature
	}
	var ev ferryEvent
	if err := json.Unmarshal(body, &ev); err != nil || ev.ID == "" {
		return errors.New("not a Ferry event")
	}
	if _, seen := processed.LoadOrStore(ev.ID, true); seen {
		return nil // a retry or a replay of a delivery already handled
	}
	if err := process(ev); err != nil {
		processed.Delete(ev.ID) // not done: let Ferry's retry run it again
		return err
	}
	return nil
}

// snippet:go:end

const nodeSnippet = `// snippet:node:begin
const crypto = require("node:crypto");

// verifyFerrySignature checks the Ferry-Signature header of a webhook against the raw
// request body (a Buffer or string), with WEBHOOK_SECRET.
function verifyFerrySignature(secret, header, rawBody, nowSeconds = Math.floor(Date.now() / 1000)) {
  const parts = Object.fromEntries(header.split(",").map((p) => p.trim().split("=", 2)));
  const t = Number.parseInt(parts.t, 10);
  if (!parts.v1 || !Number.isInteger(t) || Math.abs(nowSeconds - t) > 300) return false;
  const want = crypto.createHmac("sha256", secret).update(parts.t + ".").update(rawBody).digest("hex");
  return parts.v1.length === want.length && crypto.timingSafeEqual(Buffer.from(parts.v1), Buffer.from(want));
}

// processed holds the ids of the deliveries already handled. Ferry retries a delivery (same
// body, same id) when your answer is an error or late, and a captured delivery can be
// replayed within the 300 s tolerance: handle each id once. A real receiver keeps the ids
// durably (a unique key in its database, written in the same transaction as the work) for
// at least those 300 s; an older delivery fails the signature check anyway.
const processed = new Set();

// handleFerryWebhook verifies a delivery, runs process(event) once per id and returns the
// status to answer: 2xx for a repeated id too, so Ferry stops retrying.
async function handleFerryWebhook(secret, header, rawBody, process) {
  if (!header || !verifyFerrySignature(secret, header, rawBody)) return 401;
  const event = JSON.parse(rawBody);
  if (typeof event.id !== "string" || event.id === "") return 400;
  if (processed.has(event.id)) return 200; // a retry or a replay of a delivery already handled
  processed.add(event.id);
  try {
    await process(event);
  } catch {
    processed.delete(event.id); // not done: let Ferry's retry run it again
    return 500;
  }
  return 200;
}
// snippet:node:end
`
