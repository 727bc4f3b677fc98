package smhemu_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

// clock is an injectable clock for expiry tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is one emulator behind a real loopback listener plus a small client.
type env struct {
	t    testing.TB
	srv  *smhemu.Server
	emu  *smhemu.Emulator
	base string
	hc   *http.Client
}

func newEnv(t *testing.T, opts smhemu.Options) *env {
	t.Helper()
	srv, err := smhemu.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, emu: srv.Emulator(), base: srv.URL(), hc: srv.HTTPClient()}
}

// answer is a response with its body read.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// code is the error code of a JSON or XML error body.
func (a answer) code() string {
	var j struct{ Code string }
	if json.Unmarshal(a.body, &j) == nil && j.Code != "" {
		return j.Code
	}
	var x struct{ Code string }
	if xml.Unmarshal(a.body, &x) == nil {
		return x.Code
	}
	return ""
}

func (a answer) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("decoding %s: %v", a.body, err)
	}
}

// do sends a request; body may be nil, []byte, string or a value to marshal as JSON.
func (e *env) do(method, target string, hdr map[string]string, body any) answer {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	case string:
		r = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	if !strings.HasPrefix(target, "http") {
		target = e.base + target
	}
	req, err := http.NewRequest(method, target, r)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := e.hc.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// withToken appends access_token to a path.
func withToken(p, tok string) string {
	sep := "?"
	if strings.Contains(p, "?") {
		sep = "&"
	}
	return p + sep + "access_token=" + url.QueryEscape(tok)
}

// api calls the SMH API with a token in the query.
func (e *env) api(method, p, tok string, body any) answer {
	e.t.Helper()
	return e.do(method, withToken(p, tok), nil, body)
}

// token creates a token over HTTP; params are extra query parameters.
func (e *env) token(lib, secret, params string) string {
	e.t.Helper()
	a := e.do("GET", "/api/v1/token?library_id="+lib+"&library_secret="+secret+"&"+params, nil, nil)
	if a.status != 200 {
		e.t.Fatalf("token: %d %s", a.status, a.body)
	}
	var tk struct{ AccessToken string }
	a.decode(e.t, &tk)
	return tk.AccessToken
}

// devToken is a token of the default file library with the given grants.
func (e *env) devToken(grants string) string {
	e.t.Helper()
	return e.token("smhdev", "devsecret", "grant="+grants)
}

type uploadInfo struct {
	Domain     string            `json:"domain"`
	Path       string            `json:"path"`
	UploadID   string            `json:"uploadId"`
	Headers    map[string]string `json:"headers"`
	ConfirmKey string            `json:"confirmKey"`
	Expiration string            `json:"expiration"`
}

type fileObject struct {
	Path        []string          `json:"path"`
	Name        string            `json:"name"`
	Type        string            `json:"type"`
	Size        string            `json:"size"`
	ETag        string            `json:"eTag"`
	Crc64       string            `json:"crc64"`
	ContentType string            `json:"contentType"`
	MetaData    map[string]string `json:"metaData"`
	Labels      []string          `json:"labels"`
	CosURL      string            `json:"cosUrl"`
}

// begin starts an upload of p in library smhdev; query adds parameters.
func (e *env) begin(tok, p string, multipart bool, query string, body any) (answer, uploadInfo) {
	e.t.Helper()
	method, target := "PUT", "/api/v1/file/smhdev/-/"+p
	if multipart {
		method, target = "POST", target+"?multipart"
	}
	if query != "" {
		if strings.Contains(target, "?") {
			target += "&" + query
		} else {
			target += "?" + query
		}
	}
	a := e.api(method, target, tok, body)
	var ui uploadInfo
	if a.status == 200 || a.status == 201 {
		_ = json.Unmarshal(a.body, &ui)
	}
	return a, ui
}

// put sends bytes to the data plane as upload info says (part 0: a simple upload).
func (e *env) put(ui uploadInfo, part int, data []byte) answer {
	e.t.Helper()
	target := "http://" + ui.Domain + ui.Path
	if part > 0 {
		target += "?partNumber=" + strconv.Itoa(part) + "&uploadId=" + url.QueryEscape(ui.UploadID)
	}
	return e.do("PUT", target, ui.Headers, data)
}

// task calls an upload-task route of library smhdev: action is renew, upload or confirm.
func (e *env) task(method, tok, confirmKey, action string, body any) answer {
	e.t.Helper()
	return e.api(method, "/api/v1/file/smhdev/-/"+confirmKey+"?"+action, tok, body)
}

// upload runs a whole simple upload into smhdev and returns the confirm answer.
func (e *env) upload(tok, p string, data []byte, query string) answer {
	e.t.Helper()
	a, ui := e.begin(tok, p, false, query, nil)
	if a.status != 200 {
		return a
	}
	if pa := e.put(ui, 0, data); pa.status != 200 {
		e.t.Fatalf("put: %d %s", pa.status, pa.body)
	}
	return e.task("POST", tok, ui.ConfirmKey, "confirm", nil)
}

// expect fails unless the answer has the status and (if not "") the error code.
func expect(t *testing.T, a answer, status int, code string) {
	t.Helper()
	if a.status != status || code != "" && a.code() != code {
		t.Fatalf("got %d %s, want %d %s", a.status, a.body, status, code)
	}
}

// waitFor polls cond until it holds, failing after a deadline generous enough for a busy
// machine: tests wait for events, never for a time tuned to an idle one.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// pattern returns n deterministic bytes, b[i] = i mod 251 (the reference's test data).
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

// random returns n pseudo-random bytes from seed.
func random(n int, seed uint64) []byte {
	b := make([]byte, n)
	x := seed*0x9E3779B97F4A7C15 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}
