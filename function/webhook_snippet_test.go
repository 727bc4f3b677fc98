package function_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"time"
)

// The README's verification snippets, kept here so the tests run them verbatim
// (TestREADMESnippets checks that the README shows exactly these).

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
// snippet:node:end
`
