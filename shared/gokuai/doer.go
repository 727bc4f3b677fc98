package gokuai

import "context"

// Request is one HTTP request. Header keys are sent as given.
type Request struct {
	Method string
	URL    string
	Header map[string]string
	Body   []byte
}

// Response is one HTTP response. Header keys are lower-case.
type Response struct {
	StatusCode int
	Header     map[string]string
	Body       []byte
}

// Doer performs HTTP requests. A Doer returns an error only when no response arrived;
// that error must not contain the request URL or body (the body holds the signature).
type Doer interface {
	Do(ctx context.Context, req *Request) (*Response, error)
}
