package smhemu

import (
	"net/http"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// NoListenerURL is the base URL of a Server without a listener. Requests to it work only
// through that Server's HTTPClient.
const NoListenerURL = "http://smh.emulator.invalid"

// Server is the emulator behind a loopback listener (NewServer) or behind an in-memory
// transport (NewServerNoListener), for tests.
type Server struct {
	emu *Emulator
	srv *emukit.Server
}

// NewServer starts an emulator on 127.0.0.1 with a free port.
func NewServer(opts Options) (*Server, error) {
	e, err := New(opts)
	if err != nil {
		return nil, err
	}
	srv, err := emukit.NewServer(e.kit)
	if err != nil {
		e.Close()
		return nil, err
	}
	return &Server{emu: e, srv: srv}, nil
}

// NewServerNoListener builds an emulator without any socket: requests go through
// HTTPClient, whose transport calls the handler in memory, to URL() (NoListenerURL).
// Injected "reset" faults surface as connection-reset errors and "stall" faults hold the
// request until its context ends.
func NewServerNoListener(opts Options) (*Server, error) {
	e, err := New(opts)
	if err != nil {
		return nil, err
	}
	return &Server{emu: e, srv: emukit.NewServerNoListener(e.kit, NoListenerURL)}, nil
}

// URL is the base of the API and data plane, e.g. http://127.0.0.1:41234 (no trailing slash).
func (s *Server) URL() string { return s.srv.URL() }

// HTTPClient returns a client that reaches the server (the only way without a listener).
func (s *Server) HTTPClient() *http.Client { return s.srv.HTTPClient() }

// HTTPHandler returns the emulator as an http.Handler.
func (s *Server) HTTPHandler() http.Handler { return s.emu }

// Emulator returns the emulator, for the Go-side helpers (Files, Stats, SetFaults, …).
func (s *Server) Emulator() *Emulator { return s.emu }

// Close ends pending stalls, stops the listener (waiting for requests in flight) and
// closes the emulator.
func (s *Server) Close() { s.srv.Close() }
