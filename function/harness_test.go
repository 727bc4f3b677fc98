package function_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/shared/smh"
	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
	"github.com/ferry-upload/ferry/shared/smhemu"
)

// Distinctive secrets: TestMain fails the run if any of them shows up in a log line, an
// answer's body or an answer's header anywhere in the suite.
const (
	libSecret     = "LIBSECRET-q7Vd9-distinctive-3kP"
	mediaSecret   = "MEDIASECRET-x2Lr8-distinctive-9wQ"
	hsSecret      = "HS256SECRET-m4Tz6-distinctive-padding-0123456789"
	webhookSecret = "WHSECRET-b5Nc1-distinctive"
	appOrigin     = "https://app.example.com"
)

// capture holds every log line and every answer (status, headers, body) of the suite.
var capture struct {
	mu      sync.Mutex
	logs    bytes.Buffer
	resps   bytes.Buffer
	tokens  []string // every accessToken answered
	keys    []string // every confirm key of an upload the suite began
	tickets []string // every upload ticket answered
}

type lockedWriter struct{}

func (lockedWriter) Write(p []byte) (int, error) {
	capture.mu.Lock()
	defer capture.mu.Unlock()
	return capture.logs.Write(p)
}

func recordAnswer(status int, h http.Header, body []byte) {
	capture.mu.Lock()
	defer capture.mu.Unlock()
	fmt.Fprintf(&capture.resps, "%d\n", status)
	h.Write(&capture.resps)
	capture.resps.Write(body)
	capture.resps.WriteByte('\n')
	var a struct{ AccessToken string }
	if json.Unmarshal(body, &a) == nil && a.AccessToken != "" {
		capture.tokens = append(capture.tokens, a.AccessToken)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	// -test.list runs nothing, so there is nothing to scan.
	if code == 0 && flag.Lookup("test.list").Value.String() == "" {
		if err := scanCapture(); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL: secret scan:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// scanCapture finds no secret in logs or answers, and no JWT or issued token in logs.
func scanCapture() error {
	capture.mu.Lock()
	defer capture.mu.Unlock()
	logs, resps := capture.logs.String(), capture.resps.String()
	full := flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.fuzz").Value.String() == ""
	if full && (len(logs) == 0 || len(resps) == 0 || len(capture.tokens) == 0) {
		return fmt.Errorf("nothing captured (logs %d B, answers %d B, tokens %d)", len(logs), len(resps), len(capture.tokens))
	}
	for _, s := range []string{libSecret, mediaSecret, hsSecret, webhookSecret, ticketKey} {
		if strings.Contains(logs, s) {
			return fmt.Errorf("a secret is in the logs")
		}
		if strings.Contains(resps, s) {
			return fmt.Errorf("a secret is in an answer")
		}
	}
	if strings.Contains(logs, "eyJ") {
		return fmt.Errorf("a JWT is in the logs")
	}
	if strings.Contains(logs, "library_secret") || strings.Contains(logs, "/api/v1/") {
		return fmt.Errorf("an upstream URL is in the logs")
	}
	for _, t := range capture.tokens {
		if strings.Contains(logs, t) {
			return fmt.Errorf("an issued token is in the logs")
		}
	}
	// A confirm key names an upload task that any token with a begin grant can read (and
	// its signed part headers with it): logs hold a short prefix only.
	for _, k := range capture.keys {
		if strings.Contains(logs, k) {
			return fmt.Errorf("a confirm key is in the logs in full")
		}
	}
	// A ticket is its caller's capability over one upload: never logged.
	for _, k := range capture.tickets {
		if strings.Contains(logs, k) {
			return fmt.Errorf("an upload ticket is in the logs")
		}
	}
	return nil
}

func newLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewJSONHandler(w, nil)) }

// env is one emulator plus one token function configured against it.
type env struct {
	t   *testing.T
	emu *smhemu.Emulator
	url string // emulator base URL
	hc  *http.Client
	cfg function.Config
	h   http.Handler

	tamper func(r *http.Request, body []byte) []byte
}

type option func(*env)

func withPolicy(p string) option {
	return func(e *env) {
		pol, err := function.ParsePolicy(p)
		if err != nil {
			e.t.Fatal(err)
		}
		e.cfg.Policy = pol
	}
}

// directPolicy is the default policy with its role opting in to direct mode: the browser
// gets an SMH token (begin_upload) and uploads are confirmed through /v1/confirm. Tests of
// direct-only behaviour (the token's grants, /v1/confirm, revoking SMH tokens) use it.
const directPolicy = `{"roles":{"uploader":{"grants":["begin_upload"],"mode":"direct"}}}`

func withDirect() option { return withPolicy(directPolicy) }

func withConfig(f func(*function.Config)) option { return func(e *env) { f(&e.cfg) } }

// tamper rewrites the emulator's answers (a hostile or buggy upstream).
func tamper(f func(r *http.Request, body []byte) []byte) option {
	return func(e *env) { e.tamper = f }
}

func newEnv(t *testing.T, opts ...option) *env {
	t.Helper()
	emu, err := smhemu.New(smhemu.Options{Libraries: []smhemu.Library{
		{ID: "smhdev", Secret: libSecret, Kind: smhemu.KindFile},
		{ID: "smhmedia", Secret: mediaSecret, Kind: smhemu.KindMedia, MultiTenant: true, MultiAlbum: true, Spaces: []string{"space1"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, emu: emu}
	var up http.Handler = emu
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e.tamper == nil {
			up.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		up.ServeHTTP(rec, r)
		body := e.tamper(r, rec.Body.Bytes())
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(body)
	}))
	t.Cleanup(func() { ts.Close(); emu.Close() })
	e.url, e.hc = ts.URL, ts.Client()
	e.cfg = function.Config{
		APIBase:        ts.URL,
		LibraryID:      "smhdev",
		LibrarySecret:  libSecret,
		Auth:           function.AuthConfig{HS256Secret: hsSecret},
		AllowedOrigins: []string{appOrigin},
		RateLimit:      function.RateLimit{Off: true},
		TicketKey:      ticketKey,
		HTTPClient:     ts.Client(),
		Logger:         newLogger(lockedWriter{}),
	}
	for _, o := range opts {
		o(e)
	}
	e.h, err = function.New(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// jwtFor signs claims with the suite's HS256 secret; exp defaults to two hours ahead, past
// the default role's period, so tokens get the role's period (period_test.go cuts it).
func jwtFor(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	if _, ok := claims["exp"]; !ok {
		claims["exp"] = time.Now().Add(2 * time.Hour).Unix()
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(hsSecret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func bearer(t testing.TB, sub, role string) string {
	return "Bearer " + jwtFor(t, jwt.MapClaims{"sub": sub, "role": role})
}

// answer is a response with its body read and decoded.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
	JSON   map[string]any
}

func (a *answer) code() string { s, _ := a.JSON["code"].(string); return s }

// do sends a request straight to the handler.
func (e *env) do(method, path, auth, body string, hdr ...string) *answer {
	e.t.Helper()
	return serve(e.t, direct(e.t, e.h), method, path, auth, body, hdr...)
}

func newRequest(method, path, auth, body string, hdr ...string) *http.Request {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, "http://fn.test"+path, rd)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			r.Header.Del(hdr[i])
		} else {
			r.Header.Set(hdr[i], hdr[i+1])
		}
	}
	return r
}

func serve(t testing.TB, send func(*http.Request) *http.Response, method, path, auth, body string, hdr ...string) *answer {
	t.Helper()
	resp := send(newRequest(method, path, auth, body, hdr...))
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	recordAnswer(resp.StatusCode, resp.Header, b)
	a := &answer{Status: resp.StatusCode, Header: resp.Header, Body: b}
	json.Unmarshal(b, &a.JSON)
	return a
}

// smh is an SMH client for the emulator, as a browser would use it with an issued token.
func (e *env) smh() *smh.Client {
	return &smh.Client{BaseURL: e.url, LibraryID: "smhdev", Doer: smhhttp.Doer{Client: e.hc}}
}

// token obtains a browser token for sub/role through the handler; the role must be direct.
func (e *env) token(sub, role string) string {
	e.t.Helper()
	a := e.do("POST", "/v1/token", bearer(e.t, sub, role), "")
	if a.Status != 200 {
		e.t.Fatalf("token: %d %s", a.Status, a.Body)
	}
	tok, _ := a.JSON["accessToken"].(string)
	if tok == "" || a.JSON["mode"] != "direct" {
		e.t.Fatalf("token: role %q is not direct (a brokered answer holds no SMH token): %s", role, a.Body)
	}
	return tok
}

// upload begins an upload with a browser token and sends data (as one simple body, or as
// parts of partSize), returning the confirm key; it does not confirm.
func (e *env) upload(tok, space, path string, data []byte, partSize int) string {
	e.t.Helper()
	ctx := context.Background()
	c := e.smh()
	res, err := c.Begin(ctx, tok, space, smh.BeginRequest{Path: path, Size: int64(len(data)), Multipart: partSize > 0})
	if err != nil {
		e.t.Fatalf("begin %s: %v", path, err)
	}
	uploadCRCs.Store(res.Upload.ConfirmKey, strconv.FormatUint(hashes.CRC64(data), 10))
	capture.mu.Lock()
	capture.keys = append(capture.keys, res.Upload.ConfirmKey)
	capture.mu.Unlock()
	if partSize == 0 {
		e.put(c.DataURL(res.Upload, 0), res.Upload.Headers, data)
	} else {
		for i, n := 0, 1; i < len(data); i, n = i+partSize, n+1 {
			e.put(c.DataURL(res.Upload, n), res.Upload.Headers, data[i:min(i+partSize, len(data))])
		}
	}
	return res.Upload.ConfirmKey
}

func (e *env) put(url string, headers map[string]string, data []byte) {
	e.t.Helper()
	req, _ := http.NewRequest("PUT", url, bytes.NewReader(data))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := e.hc.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		e.t.Fatalf("PUT %d: %s", resp.StatusCode, b)
	}
}

func (e *env) files() []smhemu.FileInfo {
	e.t.Helper()
	f, err := e.emu.Files("smhdev", "-")
	if err != nil {
		e.t.Fatal(err)
	}
	return f
}

func (e *env) openUploads() []smhemu.UploadInfo {
	e.t.Helper()
	u, err := e.emu.OpenUploads("smhdev", "-")
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) mkdir(p string) {
	e.t.Helper()
	if err := e.emu.MakeDir("smhdev", "-", p); err != nil {
		e.t.Fatal(err)
	}
}

// uploadCRCs maps the confirm key of every upload the suite began to its data's CRC-64.
var uploadCRCs sync.Map

// confirmBody renders a /v1/confirm body with the upload's CRC-64 (required for
// function-confirmed roles); for a key the suite never began, a CRC of 0.
func confirmBody(key string) string {
	crc, ok := uploadCRCs.Load(key)
	if !ok {
		crc = "0"
	}
	return `{"confirmKey":"` + key + `","crc64":"` + crc.(string) + `"}`
}
