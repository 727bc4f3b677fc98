package function

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"
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

// Purposes of server-side tokens.
const (
	purposeConfirm   = "confirm"
	purposeDirectory = "directory"
	purposeDelete    = "delete"
	purposeBegin     = "begin" // brokered begin; "-force" may replace, "-quick" may store by hash
)

var purposeGrants = map[string][]string{
	purposeConfirm:                grantsConfirm,
	purposeDirectory:              grantsDirectory,
	purposeDelete:                 grantsDelete,
	purposeBegin:                  {"begin_upload"},
	purposeBegin + "-force":       {"begin_upload_force"},
	purposeBegin + "-quick":       {"begin_upload", "confirm_upload"},
	purposeBegin + "-force-quick": {"begin_upload_force", "confirm_upload"},
}

const (
	serverTokenPeriod = 300             // seconds: SMH's minimum
	serverTokenReuse  = 2 * time.Minute // well inside the period (it also renews on use)
	maxServerTokens   = 1024
)

type tokenKey struct{ user, space, purpose string }

type cachedToken struct {
	token string
	until time.Time
}

// serverTokens mints the function's own tokens: on demand, with the caller's sub as
// user_id (so SMH attributes the operation to the caller and the caller's upload tasks are
// theirs), the grants of one purpose only, the shortest period, and reused briefly.
type serverTokens struct {
	client *smh.Client
	secret Secret
	now    func() time.Time

	mu    sync.Mutex
	cache map[tokenKey]cachedToken
}

func (s *serverTokens) get(ctx context.Context, k tokenKey) (string, error) {
	s.mu.Lock()
	c, ok := s.cache[k]
	s.mu.Unlock()
	if ok && s.now().Before(c.until) {
		return c.token, nil
	}
	return s.mint(ctx, k)
}

func (s *serverTokens) mint(ctx context.Context, k tokenKey) (string, error) {
	req := smh.TokenRequest{Secret: string(s.secret), UserID: k.user, Period: serverTokenPeriod, Grants: purposeGrants[k.purpose]}
	if k.space != "-" {
		req.SpaceIDs = []string{k.space}
	}
	t, err := s.client.CreateToken(ctx, req)
	if err != nil {
		return "", upstreamError("minting a server-side token", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.cache) >= maxServerTokens {
		clear(s.cache)
	}
	s.cache[k] = cachedToken{token: t.AccessToken, until: s.now().Add(serverTokenReuse)}
	return t.AccessToken, nil
}

func (s *serverTokens) drop(k tokenKey) {
	s.mu.Lock()
	delete(s.cache, k)
	s.mu.Unlock()
}

// dropUser forgets every cached token of a user (after revocation).
func (s *serverTokens) dropUser(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.cache {
		if k.user == user {
			delete(s.cache, k)
		}
	}
}

// with runs fn with a server token; when SMH says the token is dead (InvalidAccessToken,
// or a 401/403 without a readable code, as a HEAD answers), it mints a new one and runs fn
// once more.
func (s *serverTokens) with(ctx context.Context, k tokenKey, fn func(token string) error) error {
	tok, err := s.get(ctx, k)
	if err != nil {
		return err
	}
	err = fn(tok)
	if !smh.DeadToken(err) {
		return err
	}
	s.drop(k)
	if tok, err = s.mint(ctx, k); err != nil {
		return err
	}
	return fn(tok)
}

// Upstream codes that describe the caller's request rather than a fault of the function
// or the service: answered 400 (or 403) with the code in the message.
var (
	upstreamInvalid = map[string]bool{
		"UploadNotFound": true, "UploadIncomplete": true, "MultipartUploadIncomplete": true,
		"MultipartUploadPartTooSmall": true, "NotMultipartUpload": true, "BadCrc64": true,
		"SameNameDirectoryOrFileExists": true, "DirectoryNameLengthExceed": true,
		"DirectoryNotAllowed": true, "DirectoryLevelExceed": true, "EmptyFileName": true,
		"FileNameLengthExceed": true, "ExtnameNotAllowed": true, "UploadToRootDirectoryNotAllowed": true,
		"FileTypeNotMatched": true, "DirectoryNotFound": true, "InvalidConflictResolutionStrategy": true,
		"EmptyPath": true, "SpaceNotFound": true, "QuotaLimitReached": true, "LibraryQuotaLimitReached": true,
		"NoQuota": true, "ContentCasConflict": true, "SensitiveContentRecognized": true,
	}
	upstreamForbidden = map[string]bool{
		"UploadNotBelongYou": true, "NoPermission": true, "AccessTokenNotMatchSpace": true,
	}
)

// neutralCodes are the provider's codes a client acts on, as codes every provider shares
// (the provider's own code goes beside it as providerCode): the widget's messages key on them.
var neutralCodes = map[string]struct {
	code   string
	status int
}{
	"SameNameDirectoryOrFileExists": {CodeAlreadyExists, http.StatusConflict},
	"QuotaLimitReached":             {CodeQuotaExceeded, http.StatusForbidden},
	"LibraryQuotaLimitReached":      {CodeQuotaExceeded, http.StatusForbidden},
	"NoQuota":                       {CodeQuotaExceeded, http.StatusForbidden},
	"FileNameLengthExceed":          {CodeInvalidPath, http.StatusBadRequest},
	"DirectoryNameLengthExceed":     {CodeInvalidPath, http.StatusBadRequest},
	"DirectoryLevelExceed":          {CodeInvalidPath, http.StatusBadRequest},
	"EmptyFileName":                 {CodeInvalidPath, http.StatusBadRequest},
	"ExtnameNotAllowed":             {CodeTypeNotAllowed, http.StatusBadRequest},
	"FileTypeNotMatched":            {CodeTypeNotAllowed, http.StatusBadRequest},
}

// upstreamError maps an SMH failure to the answer: the caller's mistakes to
// InvalidRequest/Forbidden, everything else to UpstreamError 502. Only the SMH code and
// status are quoted, never a URL.
func upstreamError(op string, err error) error {
	if err == nil {
		return nil
	}
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	code := smh.Code(err)
	if n, ok := neutralCodes[code]; ok {
		return &Error{Code: n.code, Status: n.status, Message: op + ": " + code, ProviderCode: code, Cause: err}
	}
	switch {
	case upstreamInvalid[code]:
		return &Error{Code: CodeInvalidRequest, Status: http.StatusBadRequest, Message: op + ": " + code, ProviderCode: code, Cause: err}
	case upstreamForbidden[code]:
		return &Error{Code: CodeForbidden, Status: http.StatusForbidden, Message: op + ": " + code, ProviderCode: code, Cause: err}
	case code != "":
		return &Error{Code: CodeUpstreamError, Status: http.StatusBadGateway, Message: op + ": SMH answered " + code, ProviderCode: code, Cause: err}
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Code: CodeUpstreamError, Status: http.StatusBadGateway, Message: op + ": canceled", Cause: err}
	}
	return &Error{Code: CodeUpstreamError, Status: http.StatusBadGateway, Message: op + ": SMH could not be reached", Cause: err}
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
