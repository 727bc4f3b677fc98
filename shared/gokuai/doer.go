package gokuai

import "github.com/ferry-upload/ferry/shared/gokuai/wire"

// Request is one HTTP request. Header keys are sent as given.
type Request = wire.Request

// Response is one HTTP response. Header keys are lower-case.
type Response = wire.Response

// Doer performs HTTP requests. A Doer returns an error only when no response arrived;
// that error must not contain the request URL or body (the body holds the signature).
type Doer = wire.Doer
