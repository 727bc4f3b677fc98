package emukit

import (
	"net"
	"net/http"
	"net/http/httptest"
)

// Server serves a Kit behind a loopback listener (NewServer) or behind an in-memory
// transport without any socket (NewServerNoListener), for tests.
type Server struct {
	kit    *Kit
	ts     *httptest.Server // nil without a listener
	url    string
	client *http.Client
}

// NewServer serves k on 127.0.0.1 with a free port. On failure k stays open.
func NewServer(k *Kit) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ts := &httptest.Server{Listener: l, Config: &http.Server{Handler: k}}
	ts.Start()
	return &Server{kit: k, ts: ts, url: ts.URL, client: ts.Client()}, nil
}

// NewServerNoListener serves k without any socket: requests go through HTTPClient, whose
// transport calls the handler in memory, to baseURL (a name that resolves nowhere, such
// as http://name.emulator.invalid). Injected "reset" faults surface as connection-reset
// errors and "stall" faults hold the request until its context ends.
func NewServerNoListener(k *Kit, baseURL string) *Server {
	return &Server{kit: k, url: baseURL, client: &http.Client{Transport: &memTransport{handler: k}}}
}

// URL is the base of the served routes, e.g. http://127.0.0.1:41234 (no trailing slash).
func (s *Server) URL() string { return s.url }

// HTTPClient returns a client that reaches the server (the only way without a listener).
func (s *Server) HTTPClient() *http.Client { return s.client }

// Kit returns the served kit.
func (s *Server) Kit() *Kit { return s.kit }

// Close ends pending stalls, stops the listener (waiting for requests in flight) and
// closes the kit.
func (s *Server) Close() {
	s.kit.EndStalls()
	if s.ts != nil {
		s.ts.Close()
	}
	s.kit.Close()
}
