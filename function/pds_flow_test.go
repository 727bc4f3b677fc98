package function_test

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/pdsemu"
)

// pdsEnvT is the function with FERRY_PROVIDER=pds in front of a PDS emulator that trusts
// the function's JWT app key.
type pdsEnvT struct {
	t   *testing.T
	srv *pdsemu.Server
	h   http.Handler
}

func newPDSFlow(t *testing.T, policy string) *pdsEnvT {
	t.Helper()
	key, err := testPDSKey()
	require.NoError(t, err)
	srv, err := pdsemu.NewServer(pdsemu.Options{JWTClientID: "ferry-app", JWTPublicKey: &key.PublicKey, DomainID: "pdsx"})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	e := pdsEnv(t)
	e[function.EnvPDSAPIBase] = srv.URL()
	e[function.EnvPDSPrivateKey] = pemOf(t, x509.MarshalPKCS1PrivateKey(key), "RSA PRIVATE KEY")
	e[function.EnvHS256Secret] = hsSecret
	if policy != "" {
		e[function.EnvPolicy] = policy
	}
	cfg, err := function.ConfigFromLookup(lookupOf(e))
	require.NoError(t, err)
	cfg.HTTPClient = srv.HTTPClient()
	h, err := function.New(cfg)
	require.NoError(t, err)
	return &pdsEnvT{t: t, srv: srv, h: h}
}

func (p *pdsEnvT) do(method, path, user, body string) *answer {
	p.t.Helper()
	return serve(p.t, direct(p.t, p.h), method, path, bearer(p.t, user, "uploader"), body)
}

// begin asks for an upload and returns the answer.
func (p *pdsEnvT) begin(user, path string, size int64, extra string) *answer {
	p.t.Helper()
	return p.do("POST", "/v1/uploads", user, fmt.Sprintf(`{"path":%q,"size":%d%s}`, path, size, extra))
}

// put sends each target's bytes of data, in order, as a browser would.
func (p *pdsEnvT) put(a *answer, data []byte) {
	p.t.Helper()
	up := a.JSON["upload"].(map[string]any)
	for _, raw := range up["targets"].([]any) {
		tg := raw.(map[string]any)
		off, n := int64(tg["offset"].(float64)), int64(tg["length"].(float64))
		req, err := http.NewRequest(tg["method"].(string), tg["url"].(string), bytes.NewReader(data[off:off+n]))
		require.NoError(p.t, err)
		for k, v := range tg["headers"].(map[string]any) {
			req.Header.Set(k, v.(string))
		}
		resp, err := p.srv.HTTPClient().Do(req)
		require.NoError(p.t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(p.t, 200, resp.StatusCode, "part %v: %s", tg["part"], b)
	}
}

func crcOf(b []byte) string {
	return strconv.FormatUint(crc64.Checksum(b, crc64.MakeTable(crc64.ECMA)), 10)
}

func (p *pdsEnvT) complete(user, id string, data []byte) *answer {
	p.t.Helper()
	return p.do("POST", "/v1/uploads/"+id+"/complete", user, `{"crc64":"`+crcOf(data)+`"}`)
}

// stored returns the user's stored files by path, with their sha256.
func (p *pdsEnvT) stored(user string) map[string]string {
	p.t.Helper()
	files, err := p.srv.Emulator().Files(p.srv.Emulator().DefaultDrive(user))
	require.NoError(p.t, err)
	out := map[string]string{}
	for _, f := range files {
		out[f.Path] = f.SHA256
	}
	return out
}

func sha256Hex(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func TestPDSBrokeredFlow(t *testing.T) {
	p := newPDSFlow(t, "")
	tok := p.do("POST", "/v1/token", "alice", "")
	require.Equal(t, 200, tok.Status, "%s", tok.Body)
	assert.Equal(t, "pds", tok.JSON["provider"])
	assert.Equal(t, "brokered", tok.JSON["mode"])
	assert.NotContains(t, string(tok.Body), "access_token")

	for _, tc := range []struct {
		name     string
		size     int
		partSize int64
	}{
		{"empty", 0, 0},
		{"one byte", 1, 0},
		{"one body", 300 << 10, 0},
		{"parts with a tail", 3<<20 + 5, 1 << 20},
		{"exact parts", 2 << 20, 1 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := payload(tc.size)
			extra := ""
			if tc.partSize > 0 {
				extra = fmt.Sprintf(`,"partSize":%d`, tc.partSize)
			}
			path := "docs/" + strings.ReplaceAll(tc.name, " ", "-") + ".bin"
			a := p.begin("alice", path, int64(tc.size), extra)
			require.Equal(t, 201, a.Status, "%s", a.Body)
			up := a.JSON["upload"].(map[string]any)
			assert.Equal(t, true, up["ordered"], "PDS takes parts in order")
			p.put(a, data)
			st := p.do("GET", "/v1/uploads/"+up["id"].(string), "alice", "")
			require.Equal(t, 200, st.Status, "%s", st.Body)
			c := p.complete("alice", up["id"].(string), data)
			require.Equal(t, 200, c.Status, "%s", c.Body)
			f := c.JSON["file"].(map[string]any)
			assert.Equal(t, "/users/alice/"+path, f["path"])
			assert.Equal(t, float64(tc.size), f["size"])
			assert.Equal(t, sha256Hex(data), p.stored("alice")["/users/alice/"+path])
			// A lost answer: completing again answers the same file.
			again := p.complete("alice", up["id"].(string), data)
			require.Equal(t, 200, again.Status, "%s", again.Body)
			assert.Equal(t, f["path"], again.JSON["file"].(map[string]any)["path"])
		})
	}
}

func TestPDSConflicts(t *testing.T) {
	p := newPDSFlow(t, `{"roles":{"uploader":{"grants":["begin_upload_force"],"quickUpload":true}}}`)
	first, second := payload(1000), bytes.Repeat([]byte{9}, 1200)
	up := func(data []byte, conflict string) *answer {
		a := p.begin("bob", "c/x.txt", int64(len(data)), `,"conflict":"`+conflict+`"`)
		if a.Status != 201 {
			return a
		}
		p.put(a, data)
		return p.complete("bob", a.JSON["upload"].(map[string]any)["id"].(string), data)
	}
	require.Equal(t, 200, up(first, "fail").Status)
	a := up(second, "fail")
	assert.Equal(t, 409, a.Status, "%s", a.Body)
	assert.Equal(t, function.CodeAlreadyExists, a.code())
	a = up(second, "rename")
	require.Equal(t, 200, a.Status, "%s", a.Body)
	renamed := a.JSON["file"].(map[string]any)["path"].(string)
	assert.NotEqual(t, "/users/bob/c/x.txt", renamed)
	assert.True(t, strings.HasPrefix(renamed, "/users/bob/c/x"), renamed)
	a = up(second, "replace")
	require.Equal(t, 200, a.Status, "%s", a.Body)
	files := p.stored("bob")
	assert.Equal(t, sha256Hex(second), files["/users/bob/c/x.txt"], "replace stored the new bytes")
	assert.Equal(t, sha256Hex(second), files[renamed])
}

func TestPDSQuickUpload(t *testing.T) {
	p := newPDSFlow(t, `{"roles":{"uploader":{"grants":["begin_upload"],"quickUpload":true}}}`)
	data := payload(5000)
	a := p.begin("carol", "q/orig.bin", int64(len(data)), "")
	require.Equal(t, 201, a.Status, "%s", a.Body)
	p.put(a, data)
	require.Equal(t, 200, p.complete("carol", a.JSON["upload"].(map[string]any)["id"].(string), data).Status)

	pre, full := sha1.Sum(data[:1024]), sha1.Sum(data)
	hashes := func(h map[string]string) string { b, _ := json.Marshal(h); return `,"hashes":` + string(b) }
	a = p.begin("carol", "q/copy.bin", int64(len(data)), hashes(map[string]string{"preHash": hex.EncodeToString(pre[:])}))
	require.Equal(t, 409, a.Status, "%s", a.Body)
	assert.Equal(t, function.CodeHashNeeded, a.code())
	assert.Equal(t, []any{"sha1"}, a.JSON["need"])
	a = p.begin("carol", "q/copy.bin", int64(len(data)), hashes(map[string]string{"sha1": hex.EncodeToString(full[:])}))
	require.Equal(t, 200, a.Status, "%s", a.Body)
	assert.Equal(t, true, a.JSON["rapid"])
	assert.Equal(t, sha256Hex(data), p.stored("carol")["/users/carol/q/copy.bin"])

	// SMH's hash names are refused before any upstream call.
	a = p.begin("carol", "q/bad.bin", 10, hashes(map[string]string{"beginningHash": strings.Repeat("a", 64)}))
	assert.Equal(t, 400, a.Status, "%s", a.Body)
}

func TestPDSPolicyAndTickets(t *testing.T) {
	p := newPDSFlow(t, "")
	a := p.begin("dave", "../eve/x.bin", 10, "")
	assert.Equal(t, 403, a.Status, "%s", a.Body)
	a = p.begin("dave", "x.bin", 6<<30, "")
	assert.Equal(t, function.CodePolicyViolation, a.code())
	a = p.begin("dave", "t/x.bin", 10, "")
	require.Equal(t, 201, a.Status, "%s", a.Body)
	id := a.JSON["upload"].(map[string]any)["id"].(string)
	// Another caller cannot use dave's ticket.
	assert.Equal(t, 403, p.do("GET", "/v1/uploads/"+id, "eve", "").Status)
	// Completing before the bytes arrived is refused as incomplete.
	c := p.complete("dave", id, payload(10))
	assert.Equal(t, 400, c.Status, "%s", c.Body)
	// Cancel answers 204 and leaves no upload open.
	ups, err := p.srv.Emulator().OpenUploads(p.srv.Emulator().DefaultDrive("dave"))
	require.NoError(t, err)
	require.Len(t, ups, 1)
	assert.Equal(t, 204, p.do("DELETE", "/v1/uploads/"+id, "dave", "").Status)
	ups, err = p.srv.Emulator().OpenUploads(p.srv.Emulator().DefaultDrive("dave"))
	require.NoError(t, err)
	assert.Empty(t, ups, "the canceled upload is still open")
}

func TestPDSDirectory(t *testing.T) {
	p := newPDSFlow(t, "")
	a := p.do("POST", "/v1/directory", "frank", `{"path":"/users/frank/a/b"}`)
	require.Equal(t, 201, a.Status, "%s", a.Body)
	a = p.do("POST", "/v1/directory", "frank", `{"path":"/users/frank/a/b"}`)
	assert.Equal(t, 200, a.Status, "%s", a.Body)
	a = p.do("POST", "/v1/directory", "frank", `{"path":"/users/gina/a"}`)
	assert.Equal(t, 403, a.Status, "%s", a.Body)
}

// Expiry mid-upload: the caller's PDS token is refreshed by a new assertion when PDS calls
// it invalid, and expired part URLs are renewed through /targets.
func TestPDSExpiry(t *testing.T) {
	p := newPDSFlow(t, "")
	data := payload(2<<20 + 9)
	a := p.begin("hana", "e/x.bin", int64(len(data)), `,"partSize":1048576`)
	require.Equal(t, 201, a.Status, "%s", a.Body)
	id := a.JSON["upload"].(map[string]any)["id"].(string)
	tokens, urls, err := p.srv.Emulator().ExpireNow(true, true)
	require.NoError(t, err)
	require.Positive(t, tokens)
	require.Positive(t, urls)
	// The handed-out URLs are refused now; fresh ones come from /targets.
	old := a.JSON["upload"].(map[string]any)["targets"].([]any)[0].(map[string]any)
	req, err := http.NewRequest("PUT", old["url"].(string), bytes.NewReader(data[:1<<20]))
	require.NoError(t, err)
	resp, err := p.srv.HTTPClient().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 403, resp.StatusCode, "an expired part URL was accepted")
	r := p.do("POST", "/v1/uploads/"+id+"/targets", "hana", `{"parts":[1,2,3]}`)
	require.Equal(t, 200, r.Status, "%s", r.Body)
	p.put(&answer{JSON: map[string]any{"upload": map[string]any{"targets": r.JSON["targets"]}}}, data)
	c := p.complete("hana", id, data)
	require.Equal(t, 200, c.Status, "%s", c.Body)
	assert.Equal(t, sha256Hex(data), p.stored("hana")["/users/hana/e/x.bin"])
}

// TestPDSChecksumMismatch: a complete whose CRC-64 is not the parts' is the neutral
// ChecksumMismatch (the browser re-checks its parts on it), PDS's code beside it; the
// upload stays open, and the right CRC-64 completes it.
func TestPDSChecksumMismatch(t *testing.T) {
	p := newPDSFlow(t, "")
	data := payload(1000)
	a := p.begin("ivy", "c.bin", int64(len(data)), "")
	require.Equal(t, 201, a.Status, "%s", a.Body)
	p.put(a, data)
	id := a.JSON["upload"].(map[string]any)["id"].(string)
	c := p.complete("ivy", id, payload(999))
	assert.Equal(t, 400, c.Status, "%s", c.Body)
	assert.Equal(t, "ChecksumMismatch", c.code())
	assert.Equal(t, "InvalidParameterNotMatch.Crc64Hash", c.JSON["providerCode"])
	c = p.complete("ivy", id, data)
	require.Equal(t, 200, c.Status, "%s", c.Body)
}
