package gokuai

import (
	"encoding/json"
	"strings"

	"github.com/ferry-upload/ferry/function/provider"
)

// session is what a ticket carries of a Gokuai upload (sealed, never shown): the library,
// the upload server and the session upload_init opened there, and the SHA-1 announced.
type session struct {
	Org    int64  `json:"o"`
	ID     string `json:"s"`
	Server string `json:"u"`
	SHA1   string `json:"h"`
	// Path is the file's Gokuai path when a rename moved it off the ticket's path.
	Path string `json:"p,omitempty"`
}

func (s *session) String() string {
	b, _ := json.Marshal(s)
	return string(b)
}

func parseSession(raw string) (*session, bool) {
	var s session
	if json.Unmarshal([]byte(raw), &s) != nil || s.Org <= 0 || s.ID == "" || s.Server == "" || len(s.SHA1) != 40 {
		return nil, false
	}
	return &s, true
}

// path is the upload's Gokuai path.
func (s *session) path(t *provider.Ticket) string {
	if s.Path != "" {
		return s.Path
	}
	return gkPath(t.Path)
}

// gkPath is a library path as Gokuai writes it: no leading '/'.
func gkPath(p string) string { return strings.TrimPrefix(p, "/") }
