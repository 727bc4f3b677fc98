package gokuaiemu

import (
	"net/http"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// Server is the emulator behind a loopback listener, for tests.
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

// URL is the server's base, e.g. http://127.0.0.1:41234; the API is at URL()+APIPrefix.
func (s *Server) URL() string { return s.srv.URL() }

// APIBase is what a client's BaseURL is set to (GOKUAI_API_BASE).
func (s *Server) APIBase() string { return s.srv.URL() + APIPrefix }

// HTTPClient returns a client that reaches the server.
func (s *Server) HTTPClient() *http.Client { return s.srv.HTTPClient() }

// Emulator returns the served emulator.
func (s *Server) Emulator() *Emulator { return s.emu }

// Close stops the listener (waiting for requests in flight) and closes the emulator.
func (s *Server) Close() { s.srv.Close() }
