package drivertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// emuClient speaks the emulators' provider-neutral /_emulator/* control API over HTTP.
type emuClient struct {
	t *testing.T
	e Emulator
	c *http.Client
}

func newEmuClient(t *testing.T, e Emulator) *emuClient {
	return &emuClient{t: t, e: e, c: &http.Client{Timeout: time.Minute}}
}

// storedFile is a GET /_emulator/files entry (the fields every emulator gives).
type storedFile struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// openUpload is a GET /_emulator/uploads entry.
type openUpload struct {
	Path string `json:"path"`
}

// faultConfig is the body of POST /_emulator/faults ({} clears).
type faultConfig struct {
	Seed         int64        `json:"seed,omitempty"`
	DataPlane    *planeFaults `json:"dataPlane,omitempty"`
	ControlPlane *planeFaults `json:"controlPlane,omitempty"`
	Latency      string       `json:"latency,omitempty"`
}

type planeFaults struct {
	Rate  float64  `json:"rate"`
	Kinds []string `json:"kinds"`
}

// stats is the part of GET /_emulator/stats the suite reads.
type stats struct {
	FaultsInjected uint64 `json:"faultsInjected"`
}

func (m *emuClient) do(method, route string, q url.Values, body, out any) error {
	u := m.e.URL + "/_emulator/" + route
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := m.c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s /_emulator/%s: %d %s", method, route, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// library is the ?library=&space= of the listings.
func (m *emuClient) library() url.Values {
	q := url.Values{"library": {m.e.Library}}
	if m.e.Space != "" {
		q.Set("space", m.e.Space)
	}
	return q
}

// files lists the stored files under dir (a full path ending in "/"; "" for all).
func (m *emuClient) files(dir string) []storedFile {
	m.t.Helper()
	var all []storedFile
	if err := m.do("GET", "files", m.library(), nil, &all); err != nil {
		m.t.Fatal(err)
	}
	var out []storedFile
	for _, f := range all {
		if strings.HasPrefix(f.Path, dir) {
			out = append(out, f)
		}
	}
	return out
}

// uploads lists the open (unconfirmed, uncanceled) upload tasks.
func (m *emuClient) uploads() []openUpload {
	m.t.Helper()
	out, err := m.openUploads()
	if err != nil {
		m.t.Fatal(err)
	}
	return out
}

// openUploads is uploads for any goroutine: the caller reports the error.
func (m *emuClient) openUploads() ([]openUpload, error) {
	var out []openUpload
	err := m.do("GET", "uploads", m.library(), nil, &out)
	return out, err
}

// setFaults replaces the faults in force. Safe from any goroutine: it reports with Error.
func (m *emuClient) setFaults(f faultConfig) {
	if err := m.do("POST", "faults", nil, f, nil); err != nil {
		m.t.Error(err)
	}
}

// expire makes every token and/or upload target issued so far expire now, and returns how
// many of each it expired. Safe from any goroutine.
func (m *emuClient) expire(tokens, uploads bool) (nTokens, nUploads int) {
	var out struct {
		Tokens  int `json:"tokens"`
		Uploads int `json:"uploads"`
	}
	if err := m.do("POST", "expire", nil, map[string]bool{"tokens": tokens, "uploads": uploads}, &out); err != nil {
		m.t.Error(err)
	}
	return out.Tokens, out.Uploads
}

func (m *emuClient) stats() stats {
	m.t.Helper()
	var s stats
	if err := m.do("GET", "stats", nil, nil, &s); err != nil {
		m.t.Fatal(err)
	}
	return s
}
