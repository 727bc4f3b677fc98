package function

import (
	"net/http"
	"time"
)

// Internals for the external test that pins docs/deploy.md's Lambda timeout to the code.
var (
	WebhookBackoff        = webhookBackoff
	WebhookAttemptTimeout = webhookAttemptTimeout
	JWKSFetchTimeout      = jwksFetchTimeout
)

// UpstreamRetry returns the per-attempt timeout and the retry pause of h's SMH calls.
func UpstreamRetry(h http.Handler) (timeout, pause time.Duration) {
	d := h.(*handler).smh.Doer.(retryDoer)
	return d.timeout, d.pause
}
