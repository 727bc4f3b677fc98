package pdsemu_test

import (
	"bytes"
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"hash/crc64"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/pdsemu"
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

var (
	keyOnce          sync.Once
	appKey, otherKey *rsa.PrivateKey
)

// keys returns the JWT app's key pair and an unrelated one (generated once per run).
func keys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	keyOnce.Do(func() {
		var err error
		if appKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if otherKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return appKey, otherKey
}

// env is one emulator behind a real loopback listener, with the dev app's key and a clock.
type env struct {
	t    testing.TB
	srv  *pdsemu.Server
	emu  *pdsemu.Emulator
	base string
	hc   *http.Client
	clk  *clock
}

func newEnv(t *testing.T, opts pdsemu.Options) *env {
	t.Helper()
	e := openEnv(t, opts, newClock())
	t.Cleanup(e.srv.Close)
	return e
}

// openEnv starts an emulator on clk; the caller closes it.
func openEnv(t *testing.T, opts pdsemu.Options, clk *clock) *env {
	t.Helper()
	k, _ := keys(t)
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	if opts.JWTPublicKey == nil && opts.JWTPublicKeyPEM == nil {
		opts.JWTPublicKey = &k.PublicKey
	}
	srv, err := pdsemu.NewServer(opts)
	require.NoError(t, err)
	hc := srv.HTTPClient()
	// Redirects are answers under test, never followed.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &env{t: t, srv: srv, emu: srv.Emulator(), base: srv.URL(), hc: hc, clk: clk}
}

// answer is a response with its body read.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// code is the error code of a JSON or OSS XML error body.
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
	require.NoError(t, json.Unmarshal(a.body, v), "body %s", a.body)
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
		j, err := json.Marshal(b)
		require.NoError(e.t, err)
		r = bytes.NewReader(j)
	}
	if !strings.HasPrefix(target, "http") {
		target = e.base + target
	}
	req, err := http.NewRequest(method, target, r)
	require.NoError(e.t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := e.hc.Do(req)
	require.NoError(e.t, err, "%s %s", method, target)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// form posts a form to the token endpoint.
func (e *env) form(v url.Values) answer {
	e.t.Helper()
	return e.do("POST", "/v2/oauth/token", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, v.Encode())
}

// api calls a file API with a bearer token.
func (e *env) api(path, tok string, body any) answer {
	e.t.Helper()
	return e.do("POST", path, map[string]string{"Authorization": "Bearer " + tok, "Content-Type": "application/json"}, body)
}

// claims is a JWT-bearer assertion's payload; sign turns it into an assertion.
type claims map[string]any

func (e *env) claims(user string) claims {
	now := e.clk.Now()
	return claims{"iss": pdsemu.DevJWTClientID, "sub": user, "sub_type": "user", "aud": pdsemu.DevDomainID,
		"jti": hex.EncodeToString(randBytes(8)), "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "auto_create": true}
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// sign makes an RS256 assertion (header alg may be overridden) by hand, independently of
// the emulator's parser and of Ferry's client.
func sign(t testing.TB, key *rsa.PrivateKey, alg string, c claims) string {
	t.Helper()
	enc := base64.RawURLEncoding
	h, err := json.Marshal(map[string]string{"alg": alg, "typ": "JWT"})
	require.NoError(t, err)
	p, err := json.Marshal(c)
	require.NoError(t, err)
	input := enc.EncodeToString(h) + "." + enc.EncodeToString(p)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	require.NoError(t, err)
	return input + "." + enc.EncodeToString(sig)
}

// token is the Token answer's fields the tests read.
type token struct {
	AccessToken    string `json:"access_token"`
	RefreshToken   string `json:"refresh_token"`
	ExpiresIn      int64  `json:"expires_in"`
	TokenType      string `json:"token_type"`
	UserID         string `json:"user_id"`
	DomainID       string `json:"domain_id"`
	DefaultDriveID string `json:"default_drive_id"`
}

// jwtToken signs in user by the JWT-bearer grant (auto_create).
func (e *env) jwtToken(user string) token {
	e.t.Helper()
	k, _ := keys(e.t)
	a := e.form(url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "client_id": {pdsemu.DevJWTClientID},
		"assertion": {sign(e.t, k, "RS256", e.claims(user))}})
	require.Equal(e.t, 200, a.status, "%s", a.body)
	var tk token
	a.decode(e.t, &tk)
	return tk
}

// created is the create answer's fields the tests read.
type created struct {
	FileID       string `json:"file_id"`
	FileName     string `json:"file_name"`
	ParentFileID string `json:"parent_file_id"`
	Type         string `json:"type"`
	Status       string `json:"status"`
	UploadID     string `json:"upload_id"`
	RapidUpload  bool   `json:"rapid_upload"`
	Exist        bool   `json:"exist"`
	PartInfoList []struct {
		PartNumber int    `json:"part_number"`
		UploadURL  string `json:"upload_url"`
		ETag       string `json:"etag"`
		PartSize   int64  `json:"part_size"`
	} `json:"part_info_list"`
}

// data is n deterministic bytes b[i] = i mod 251 (the reference's test vector data).
func data(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

func sha1Upper(b []byte) string {
	s := sha1.Sum(b)
	return strings.ToUpper(hex.EncodeToString(s[:]))
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func md5Hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

func crc64Dec(b []byte) string {
	return strconv.FormatUint(crc64.Checksum(b, crc64.MakeTable(crc64.ECMA)), 10)
}

// split cuts b into parts of size (the last one shorter).
func split(b []byte, size int) [][]byte {
	var out [][]byte
	for len(b) > size {
		out, b = append(out, b[:size]), b[size:]
	}
	return append(out, b)
}

// partList is a part_info_list of n parts.
func partList(n int) []map[string]any {
	out := make([]map[string]any, n)
	for i := range out {
		out[i] = map[string]any{"part_number": i + 1}
	}
	return out
}

// put sends a part body to a presigned URL.
func (e *env) put(u string, body []byte) answer {
	e.t.Helper()
	return e.do("PUT", u, map[string]string{"Content-Type": ""}, body)
}

// upload creates a file of content in parts of partSize under parent and completes it.
func (e *env) upload(tk token, parent, name string, content []byte, partSize int, extra map[string]any) (created, answer) {
	e.t.Helper()
	parts := split(content, partSize)
	req := map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": parent, "name": name, "type": "file",
		"size": len(content), "part_info_list": partList(len(parts))}
	for k, v := range extra {
		req[k] = v
	}
	a := e.api("/v2/file/create", tk.AccessToken, req)
	require.Equal(e.t, 201, a.status, "%s", a.body)
	var cr created
	a.decode(e.t, &cr)
	if cr.RapidUpload || cr.Exist {
		return cr, a
	}
	require.Len(e.t, cr.PartInfoList, len(parts))
	for i, p := range parts {
		pa := e.put(cr.PartInfoList[i].UploadURL, p)
		require.Equal(e.t, 200, pa.status, "part %d: %s", i+1, pa.body)
	}
	done := e.api("/v2/file/complete", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID,
		"upload_id": cr.UploadID, "crc64_hash": crc64Dec(content)})
	require.Equal(e.t, 200, done.status, "%s", done.body)
	return cr, done
}

func pemPublic(t testing.TB, k *rsa.PublicKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(k)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}
