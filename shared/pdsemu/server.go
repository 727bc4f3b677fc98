package pdsemu

import (
	"net/http"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// NoListenerURL is the base URL of a Server without a listener.
const NoListenerURL = "http://pds.emulator.invalid"

// Server is the emulator behind a loopback listener (NewServer) or an in-memory
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
// HTTPClient to URL() (NoListenerURL).
func NewServerNoListener(opts Options) (*Server, error) {
	e, err := New(opts)
	if err != nil {
		return nil, err
	}
	return &Server{emu: e, srv: emukit.NewServerNoListener(e.kit, NoListenerURL)}, nil
}

// URL is the base of the API and the data plane, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return s.srv.URL() }

// HTTPClient returns a client that reaches the server.
func (s *Server) HTTPClient() *http.Client { return s.srv.HTTPClient() }

// Emulator returns the emulator, for the Go-side helpers.
func (s *Server) Emulator() *Emulator { return s.emu }

// Close ends pending stalls, stops the listener and closes the emulator.
func (s *Server) Close() { s.srv.Close() }
