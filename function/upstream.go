package function

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/ferry-upload/ferry/shared/smh"
)

// retryDoer bounds each SMH call with a timeout and retries once, after a short pause, on
// a network error or a 5xx answer.
type retryDoer struct {
	next    smh.Doer
	timeout time.Duration
	pause   time.Duration
}

func (d retryDoer) Do(ctx context.Context, req *smh.Request) (*smh.Response, error) {
	for attempt := 0; ; attempt++ {
		cctx, cancel := context.WithTimeout(ctx, d.timeout)
		resp, err := d.next.Do(cctx, req) // the Doer has read the whole body when it returns
		cancel()
		retry := err != nil && ctx.Err() == nil || err == nil && resp.StatusCode >= 500
		if attempt > 0 || !retry {
			return resp, err
		}
		select {
		case <-ctx.Done():
			return resp, err
		case <-time.After(d.pause):
		}
	}
}

// safeErr renders an error for a log line without any URL: *url.Error prints its URL,
// which may carry a secret (the token API's query) or a webhook's credentials.
func safeErr(err error) string {
	if err == nil {
		return ""
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + ": " + safeErr(ue.Err)
	}
	return err.Error()
}

// defaultHTTPClient follows no redirects: no SMH call needs one, and a redirect must not
// carry a request elsewhere.
func defaultHTTPClient() *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
