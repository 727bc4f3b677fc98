// Package smh is Ferry's client for the Tencent Cloud Smart Media Hosting API: the token
// API (server side, with the library secret) and the upload control plane (begin, renew,
// state, confirm, cancel, directories).
//
// It never imports net/http, so the browser build stays small: every request goes through
// the one-method Doer seam, implemented with net/http natively (package smhhttp) and with
// fetch in the browser. Errors are typed: *Error carries the service's code (use Code(err),
// never the message), *NetworkError a transport failure. Neither ever carries a URL, so a
// library secret in a token-API query string cannot leak through an error.
package smh
