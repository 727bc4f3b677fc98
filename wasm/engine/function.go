package engine

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/smh"
	"github.com/ferry-upload/ferry/shared/urlx"
)

// Function calls the token function's routes (interfaces.md §3): /v1/token for tokens, and
// for roles that confirm through it, /v1/confirm and /v1/directory. It is a TokenSource.
// BrokeredDriver speaks the brokered routes (§5.2) through it, with the same headers.
type Function struct {
	// TokenURL is the POST /v1/token route; confirmUrl and directoryUrl of the answer are
	// resolved against it.
	TokenURL string
	// Doer sends the requests (fetch in the browser, with the page's credentials mode).
	Doer smh.Doer
	// Headers returns the request headers the host application authenticates with (the
	// page's getHeaders), asked before every call; nil sends none.
	Headers func(ctx context.Context) (map[string]string, error)
	// SpaceID, ClientID and SessionID are sent in the /v1/token body when set.
	SpaceID, ClientID, SessionID string
	// RequestTimeout bounds each request (default DefaultRequestTimeout).
	RequestTimeout time.Duration
}

var _ TokenSource = (*Function)(nil)

// FetchToken calls POST /v1/token.
func (f *Function) FetchToken(ctx context.Context) (*Token, error) {
	body := &tokenBody{SpaceID: f.SpaceID, ClientID: f.ClientID, SessionID: f.SessionID}
	var tok Token
	if err := f.call(ctx, "POST", f.TokenURL, "token", body, &tok); err != nil {
		return nil, err
	}
	switch {
	case tok.Mode == ModeBrokered:
		// No provider credential: uploads go through the function's uploadsUrl.
		if tok.UploadsURL == "" {
			return nil, &Error{Code: "UnexpectedResponse", Message: "the brokered token answer lacks uploadsUrl"}
		}
		tok.AccessToken, tok.APIBase, tok.Grants = "", "", nil
	case tok.Mode != "" && tok.Mode != ModeDirect:
		return nil, &Error{Code: "UnexpectedResponse", Message: "the token answer's mode is neither brokered nor direct"}
	case tok.AccessToken == "" || tok.LibraryID == "" || tok.APIBase == "":
		return nil, &Error{Code: "UnexpectedResponse", Message: "the token answer lacks accessToken, libraryId or apiBase"}
	}
	if tok.SpaceID == "" {
		tok.SpaceID = "-"
	}
	for _, u := range []struct {
		name string
		ref  *string
	}{{"confirmUrl", &tok.ConfirmURL}, {"directoryUrl", &tok.DirectoryURL}, {"uploadsUrl", &tok.UploadsURL}} {
		if err := f.resolve(u.name, u.ref); err != nil {
			return nil, err
		}
	}
	return &tok, nil
}

// RevokeTokens calls DELETE /v1/token: every token of the caller is revoked upstream.
func (f *Function) RevokeTokens(ctx context.Context) error {
	var body jsonx.Encoder // none without a client id
	if f.ClientID != "" {
		body = &tokenBody{ClientID: f.ClientID}
	}
	return f.call(ctx, "DELETE", f.TokenURL, "revoke tokens", body, nil)
}

// Confirm calls POST confirmUrl {"spaceId","confirmKey","crc64"}.
func (f *Function) Confirm(ctx context.Context, confirmURL, spaceID, confirmKey, crc64 string) (*smh.File, error) {
	body := &confirmBody{SpaceID: spaceID, ConfirmKey: confirmKey, CRC64: crc64}
	var file smh.File
	if err := f.call(ctx, "POST", confirmURL, "confirm upload", body, &file); err != nil {
		return nil, err
	}
	return &file, nil
}

// CreateDirectory calls POST directoryUrl {"spaceId","path"} (the path with its parents).
func (f *Function) CreateDirectory(ctx context.Context, directoryURL, spaceID, path string) error {
	return f.call(ctx, "POST", directoryURL, "create directory", &directoryBody{SpaceID: spaceID, Path: path}, nil)
}

// resolve makes *ref absolute against the token URL. A URL urlx.Resolve refuses (another
// scheme, a fragment, bytes net/url would re-escape…) fails the token: sent as it came, it
// would be fetched relative to the worker's script.
func (f *Function) resolve(name string, ref *string) error {
	if *ref == "" {
		return nil
	}
	u, err := urlx.Resolve(f.TokenURL, *ref)
	if err != nil {
		return &Error{Code: "UnexpectedResponse", Message: "the token answer's " + name + " cannot be resolved against the token URL: " + err.Error(), Err: err}
	}
	*ref = u
	return nil
}

// call sends JSON and decodes a 2xx JSON answer into out. Error answers
// ({"code","message","requestId","providerCode"}) become *ServerError, so codes pass
// through unchanged.
func (f *Function) call(ctx context.Context, method, u, op string, body jsonx.Encoder, out jsonx.Decoder) error {
	if u == "" {
		return &Error{Code: CodeInvalidOptions, Message: op + ": the token function gave no URL for it"}
	}
	req := &smh.Request{Method: method, URL: u, Header: map[string]string{}}
	if f.Headers != nil {
		h, err := f.Headers(ctx)
		if err != nil {
			return &Error{Code: "Unauthenticated", Message: "getHeaders failed: " + err.Error(), Err: err}
		}
		for k, v := range h {
			req.Header[k] = v
		}
	}
	if body != nil {
		req.Body = jsonx.Encode(body)
		req.Header["Content-Type"] = "application/json"
	}
	resp, err := withTimeout(f.Doer, f.RequestTimeout).Do(ctx, req)
	if err != nil {
		return &smh.NetworkError{Op: op, Err: err}
	}
	if e := functionError(resp); e != nil {
		return e
	}
	if out != nil && len(resp.Body) > 0 {
		if err := jsonx.Decode(resp.Body, out); err != nil {
			return &Error{Code: "UnexpectedResponse", Message: op + ": the answer is not the expected JSON", Status: resp.StatusCode}
		}
	}
	return nil
}

// functionError is the *ServerError a non-2xx answer of the token function stands for;
// an answer without the function's JSON error (a proxy's page) is coded by its status.
func functionError(resp *smh.Response) *ServerError {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	e := &ServerError{Status: resp.StatusCode, RequestID: resp.Header["x-request-id"]}
	if ra := strings.TrimSpace(resp.Header["retry-after"]); ra != "" {
		if s, err := strconv.Atoi(ra); err == nil && s >= 0 {
			e.RetryAfter = time.Duration(s) * time.Second
		}
	}
	var body functionErrorBody
	if jsonx.Decode(resp.Body, &body) == nil && body.Code != "" {
		e.Code, e.Message, e.ProviderCode = body.Code, body.Message, body.ProviderCode
		if body.RequestID != "" {
			e.RequestID = body.RequestID
		}
		return e
	}
	e.Code = "HTTP" + strconv.Itoa(resp.StatusCode)
	e.Message = "the token function answered HTTP " + strconv.Itoa(resp.StatusCode)
	return e
}
