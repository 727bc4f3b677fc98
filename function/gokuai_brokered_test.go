package function_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/gokuai"
	"github.com/ferry-upload/ferry/shared/gokuai/gokuaihttp"
	"github.com/ferry-upload/ferry/shared/gokuai/upload"
	"github.com/ferry-upload/ferry/shared/gokuaiemu"
)

// Brokered uploads into Gokuai (issue 14, item 2): the function announces each file with
// create_file, signed with the library's credential after the policy check, and opens its
// upload-server session; the browser (here shared/gokuai/upload, as the engine will)
// sends only the byte ranges of the targets it is handed.

const gokuaiCapacity = 1 << 30

const gokuaiUploadPolicy = `{"roles":{
	"uploader":{"grants":["begin_upload"],"library":"{member}","libraryCapacity":1073741824,
		"pathPrefix":"/users/{sub}/","maxFileSize":33554432,"allowedTypes":[".bin",".txt"]},
	"team":{"grants":["begin_upload_force"],"library":"1","pathPrefix":"/team/"},
	"alt":{"grants":["begin_upload"],"library":"1"},
	"backend":{"grants":[],"admin":["*"]}}}`

type gokuaiFlow struct {
	t   *testing.T
	srv *gokuaiemu.Server
	h   http.Handler
	log *lockedBuffer
	ent *gokuai.Client // the enterprise credential, for what a test checks upstream

	mu      sync.Mutex
	answers strings.Builder // every answer of the function: status, headers, body
}

func newGokuaiFlow(t *testing.T, mods ...func(*function.Config)) *gokuaiFlow {
	t.Helper()
	srv, err := gokuaiemu.NewServer(gokuaiemu.Options{})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	cfg, err := function.ConfigFromLookup(lookupOf(map[string]string{
		function.EnvProvider:           function.ProviderGokuai,
		function.EnvGokuaiAPIBase:      srv.APIBase(),
		function.EnvGokuaiClientID:     gokuaiemu.DevClientID,
		function.EnvGokuaiClientSecret: gokuaiemu.DevClientSecret,
		function.EnvHS256Secret:        hsSecret,
		function.EnvAllowedOrigins:     "https://app.example.com",
		function.EnvTicketKey:          strings.Repeat("t", 32),
		function.EnvPolicy:             gokuaiUploadPolicy,
	}))
	require.NoError(t, err)
	cfg.HTTPClient = srv.HTTPClient()
	buf := &lockedBuffer{}
	cfg.Logger = slog.New(slog.NewJSONHandler(buf, nil))
	for _, m := range mods {
		m(&cfg)
	}
	h, err := function.New(cfg)
	require.NoError(t, err)
	ent := &gokuai.Client{BaseURL: srv.APIBase(), ClientID: gokuaiemu.DevClientID, Secret: gokuaiemu.DevClientSecret,
		Doer: gokuaihttp.Doer{Client: srv.HTTPClient()}}
	return &gokuaiFlow{t: t, srv: srv, h: h, log: buf, ent: ent}
}

func (g *gokuaiFlow) do(method, path, user, role, body string) *answer {
	g.t.Helper()
	a := serve(g.t, direct(g.t, g.h), method, path, bearer(g.t, user, role), body)
	g.mu.Lock()
	fmt.Fprintf(&g.answers, "%d\n", a.Status)
	_ = a.Header.Write(&g.answers)
	g.answers.Write(a.Body)
	g.mu.Unlock()
	return a
}

func sha1Hex(b []byte) string { s := sha1.Sum(b); return hex.EncodeToString(s[:]) }

// begin asks for an upload of data at path (relative to the caller's area) with its SHA-1.
func (g *gokuaiFlow) begin(user, role, path string, data []byte, extra string) *answer {
	g.t.Helper()
	return g.do("POST", "/v1/uploads", user, role, fmt.Sprintf(`{"path":%q,"size":%d,"hashes":{"sha1":%q}%s}`,
		path, len(data), sha1Hex(data), extra))
}

// gkTarget is a target of the function's answers.
type gkTarget struct {
	Part           int
	Offset, Length int64
	Method, URL    string
	Headers        map[string]string
}

func targetsOf(t *testing.T, raw any) []gkTarget {
	t.Helper()
	var out []gkTarget
	for _, r := range raw.([]any) {
		m := r.(map[string]any)
		h := map[string]string{}
		for k, v := range m["headers"].(map[string]any) {
			h[k] = v.(string)
		}
		out = append(out, gkTarget{Part: int(m["part"].(float64)), Offset: int64(m["offset"].(float64)),
			Length: int64(m["length"].(float64)), Method: m["method"].(string), URL: m["url"].(string), Headers: h})
	}
	return out
}

// browser is the upload-server client a browser holds: no secret, only what a target says.
func (g *gokuaiFlow) browser(tg gkTarget) (*upload.Client, string) {
	g.t.Helper()
	server, ok := strings.CutSuffix(tg.URL, upload.PathPart)
	require.True(g.t, ok, "a target is the upload server's upload_part: %s", tg.URL)
	require.Equal(g.t, "PUT", tg.Method)
	return &upload.Client{Server: server, Doer: gokuaihttp.Doer{Client: g.srv.HTTPClient()}}, tg.Headers[upload.HeaderSession]
}

// send PUTs the targets' bytes, in order, as the engine will: each target's range, its
// CRC-32 added by the client.
func (g *gokuaiFlow) send(targets []gkTarget, data []byte) {
	g.t.Helper()
	for _, tg := range targets {
		assert.Equal(g.t, fmt.Sprintf("%d-%d", tg.Offset, tg.Offset+tg.Length-1), tg.Headers[upload.HeaderRange])
		c, session := g.browser(tg)
		_, err := c.Part(context.Background(), session, tg.Offset, data[tg.Offset:tg.Offset+tg.Length])
		require.NoError(g.t, err, "part %d", tg.Part)
	}
}

// allTargets is the begin answer's targets and, past its window, those /targets hands out.
func (g *gokuaiFlow) allTargets(user, role string, up map[string]any) []gkTarget {
	g.t.Helper()
	ts := targetsOf(g.t, up["targets"])
	if n := int(up["parts"].(float64)); n > len(ts) {
		var parts []string
		for p := len(ts) + 1; p <= n; p++ {
			parts = append(parts, fmt.Sprint(p))
		}
		a := g.do("POST", "/v1/uploads/"+up["id"].(string)+"/targets", user, role, `{"parts":[`+strings.Join(parts, ",")+`]}`)
		require.Equal(g.t, 200, a.Status, "%s", a.Body)
		ts = append(ts, targetsOf(g.t, a.JSON["targets"])...)
	}
	return ts
}

func (g *gokuaiFlow) complete(user, role, id string, data []byte) *answer {
	g.t.Helper()
	return g.do("POST", "/v1/uploads/"+id+"/complete", user, role, `{"crc64":"`+crcOf(data)+`"}`)
}

// upload runs a whole brokered upload and returns the complete answer (or the begin
// answer when the file was stored without bytes).
func (g *gokuaiFlow) upload(user, role, path string, data []byte, extra string) *answer {
	g.t.Helper()
	a := g.begin(user, role, path, data, extra)
	if a.Status != 201 {
		return a
	}
	up := a.JSON["upload"].(map[string]any)
	g.send(g.allTargets(user, role, up), data)
	return g.complete(user, role, up["id"].(string), data)
}

// personal is a member's personal library, as the enterprise sees it.
func (g *gokuaiFlow) personal(member string) *gokuai.Library {
	g.t.Helper()
	l, err := g.ent.InfoByMember(context.Background(), gokuai.MemberRef{OutID: member})
	require.NoError(g.t, err)
	return l
}

// files are a library's files by path (no leading '/' in Gokuai's paths, one in the kit's).
func (g *gokuaiFlow) files(mount int64) map[string][2]string {
	g.t.Helper()
	out := map[string][2]string{}
	for _, f := range g.control("files", mount) {
		out[f["path"].(string)] = [2]string{f["sha256"].(string), f["sha1"].(string)}
	}
	return out
}

// control reads the emulator's /_emulator/{what}?library={mount} list.
func (g *gokuaiFlow) control(what string, mount int64) []map[string]any {
	g.t.Helper()
	resp, err := g.srv.HTTPClient().Get(fmt.Sprintf("%s/_emulator/%s?library=%d", g.srv.URL(), what, mount))
	require.NoError(g.t, err)
	defer resp.Body.Close()
	require.Equal(g.t, 200, resp.StatusCode)
	var out []map[string]any
	require.NoError(g.t, json.NewDecoder(resp.Body).Decode(&out))
	return out
}

// requests counts the emulator's answered requests of a route ("" counts all).
func (g *gokuaiFlow) requests(route string) uint64 {
	var n uint64
	for r, by := range g.srv.Emulator().Kit().Stats().Requests {
		if route == "" || r == route {
			for _, c := range by {
				n += c
			}
		}
	}
	return n
}

const (
	routeCreateFile  = "POST /m-open/1/file/create_file"
	routeUploadPart  = "PUT /m-upload/upload_part"
	routeSetByMember = "POST /m-open/1/org/set_by_member"
	routeBind        = "POST /m-open/1/org/bind"
)

func TestGokuaiBrokeredUpload(t *testing.T) {
	g := newGokuaiFlow(t)
	tok := g.do("POST", "/v1/token", "alice", "uploader", "")
	require.Equal(t, 200, tok.Status, "%s", tok.Body)
	assert.Equal(t, "gokuai", tok.JSON["provider"])
	assert.Equal(t, "brokered", tok.JSON["mode"])
	assert.NotContains(t, tok.JSON, "accessToken")

	require.False(t, g.personal("alice").Initialized(), "alice has no personal library yet")
	for _, c := range []struct {
		name     string
		size     int
		partSize int // 0: the function's choice
		parts    int
	}{
		{"0 B", 0, 0, 0},
		{"1 B", 1, 0, 0},
		{"one body", 300_000, 0, 0},
		{"3 parts", 2_621_440, 1 << 20, 3},
		{"20 parts (past the first window)", 20<<20 + 5, 1 << 20, 21},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := pattern(c.size, byte(c.size%251))
			name := strings.ReplaceAll(c.name, " ", "-") + ".bin"
			extra := ""
			if c.partSize > 0 {
				extra = fmt.Sprintf(`,"partSize":%d`, c.partSize)
			}
			a := g.begin("alice", "uploader", "/"+name, data, extra)
			var file map[string]any
			if c.size == 0 {
				// Nothing to send: the function finishes the upload at once (not a quick upload).
				require.Equal(t, 200, a.Status, "%s", a.Body)
				assert.Equal(t, false, a.JSON["rapid"])
				file = a.JSON["file"].(map[string]any)
			} else {
				require.Equal(t, 201, a.Status, "%s", a.Body)
				up := a.JSON["upload"].(map[string]any)
				assert.Equal(t, true, up["ordered"])
				assert.Equal(t, float64(c.parts), up["parts"])
				g.send(g.allTargets("alice", "uploader", up), data)
				done := g.complete("alice", "uploader", up["id"].(string), data)
				require.Equal(t, 200, done.Status, "%s", done.Body)
				file = done.JSON["file"].(map[string]any)
			}
			assert.Equal(t, "/users/alice/"+name, file["path"])
			assert.Equal(t, float64(c.size), file["size"])
			assert.Equal(t, sha1Hex(data), file["sha1"])
			lib := g.personal("alice")
			require.True(t, lib.Initialized())
			assert.Equal(t, [2]string{sha256Hex(data), sha1Hex(data)}, g.files(int64(lib.MountID))["/users/alice/"+name],
				"the stored bytes are the file's")
		})
	}
	lib := g.personal("alice")
	assert.Equal(t, gokuai.Int(gokuaiCapacity), lib.SizeOrgTotal, "created with the role's libraryCapacity")
	assert.Equal(t, uint64(1), g.requests(routeSetByMember), "the personal library is created once, then reused")
	assert.Equal(t, uint64(1), g.requests(routeBind), "the library credential is bound once, then cached")
}

// The library's credential stays with the function: no answer (body or header) and no
// log line holds its secret (nor the enterprise's).
func TestGokuaiBrokeredSecrets(t *testing.T) {
	g := newGokuaiFlow(t)
	data := pattern(1_500_000, 3)
	require.Equal(t, 200, g.upload("alice", "uploader", "/s.bin", data, `,"partSize":1048576`).Status)
	require.Equal(t, 200, g.upload("bob", "team", "/s.bin", data, "").Status) // instant, fixed library
	a := g.begin("alice", "uploader", "/t.bin", pattern(10, 1), "")
	require.Equal(t, 201, a.Status, "%s", a.Body)
	g.do("GET", "/v1/uploads/"+a.JSON["upload"].(map[string]any)["id"].(string), "alice", "uploader", "")
	g.do("DELETE", "/v1/uploads/"+a.JSON["upload"].(map[string]any)["id"].(string), "alice", "uploader", "")

	ctx := context.Background()
	var secrets []string
	for _, org := range []int64{int64(g.personal("alice").OrgID), gokuaiemu.DevOrgID} {
		b, err := g.ent.Bind(ctx, gokuai.BindRequest{LibraryRef: gokuai.LibraryRef{OrgID: org}})
		require.NoError(t, err)
		require.NotEmpty(t, b.OrgClientSecret)
		secrets = append(secrets, string(b.OrgClientSecret))
	}
	secrets = append(secrets, gokuaiemu.DevClientSecret)
	logs := g.log.String()
	require.NotEmpty(t, logs)
	g.mu.Lock()
	answers := g.answers.String()
	g.mu.Unlock()
	for _, s := range secrets {
		assert.NotContains(t, answers, s, "a secret in an answer")
		assert.NotContains(t, logs, s, "a secret in a log line")
	}
	assert.NotContains(t, answers, "org_client_secret")
}

// Instant upload: a file whose SHA-1 and size the enterprise's storage holds is stored from
// the hash alone; no byte moves.
func TestGokuaiBrokeredInstant(t *testing.T) {
	g := newGokuaiFlow(t)
	data := pattern(700_000, 9)
	require.Equal(t, 200, g.upload("alice", "uploader", "/first.bin", data, "").Status)
	parts := g.requests(routeUploadPart)

	a := g.begin("bob", "uploader", "/dir/again.bin", data, "")
	require.Equal(t, 200, a.Status, "%s", a.Body)
	assert.Equal(t, true, a.JSON["rapid"])
	file := a.JSON["file"].(map[string]any)
	assert.Equal(t, "/users/bob/dir/again.bin", file["path"])
	assert.Equal(t, float64(len(data)), file["size"])
	assert.Equal(t, parts, g.requests(routeUploadPart), "no upload_part")
	lib := g.personal("bob")
	assert.Equal(t, [2]string{sha256Hex(data), sha1Hex(data)}, g.files(int64(lib.MountID))["/users/bob/dir/again.bin"])
}

// Refusals of the policy, and of a request Gokuai could not serve, come before any call
// to Gokuai.
func TestGokuaiBrokeredRefusedFirst(t *testing.T) {
	g := newGokuaiFlow(t)
	for _, c := range []struct {
		name, role, body string
		status           int
		code             string
	}{
		{"too large", "uploader", `{"path":"/a.bin","size":33554433,"hashes":{"sha1":"` + sha1Hex(nil) + `"}}`, 403, "PolicyViolation"},
		{"a type outside the role", "uploader", `{"path":"/a.exe","size":3,"hashes":{"sha1":"` + sha1Hex([]byte("abc")) + `"}}`, 403, "PolicyViolation"},
		{"out of the area", "uploader", `{"path":"/../bob/a.bin","size":3}`, 403, "PolicyViolation"},
		{"replace without the grant", "uploader", `{"path":"/a.bin","size":3,"conflict":"replace"}`, 403, "PolicyViolation"},
		{"no SHA-1", "uploader", `{"path":"/a.bin","size":3}`, 409, "HashNeeded"},
		{"a hash Gokuai does not use", "uploader", `{"path":"/a.bin","size":3,"hashes":{"preHash":"` + sha1Hex(nil) + `"}}`, 400, "InvalidRequest"},
		{"a SHA-1 that is not one", "uploader", `{"path":"/a.bin","size":3,"hashes":{"sha1":"xyz"}}`, 400, "InvalidRequest"},
		{"a 0-byte file with another SHA-1", "uploader", `{"path":"/a.bin","size":0,"hashes":{"sha1":"` + sha1Hex([]byte("abc")) + `"}}`, 400, "InvalidRequest"},
		{"parts larger than Gokuai's 10 MiB", "team", `{"path":"/a.bin","size":20971520,"partSize":16777216,"hashes":{"sha1":"` + sha1Hex(nil) + `"}}`, 400, "InvalidRequest"},
		{"an admin role", "backend", `{"path":"/a.bin","size":3}`, 403, "Forbidden"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := g.requests("")
			a := g.do("POST", "/v1/uploads", "alice", c.role, c.body)
			assert.Equal(t, c.status, a.Status, "%s", a.Body)
			assert.Equal(t, c.code, a.code())
			if c.code == "HashNeeded" {
				assert.Equal(t, []any{"sha1"}, a.JSON["need"])
			}
			assert.Equal(t, before, g.requests(""), "no call reached Gokuai")
		})
	}
}

// Cancel: the session and every byte it received are gone, and nothing is stored.
func TestGokuaiBrokeredAbort(t *testing.T) {
	g := newGokuaiFlow(t)
	data := pattern(2_500_000, 5)
	a := g.begin("alice", "uploader", "/gone.bin", data, `,"partSize":1048576`)
	require.Equal(t, 201, a.Status, "%s", a.Body)
	up := a.JSON["upload"].(map[string]any)
	ts := targetsOf(t, up["targets"])
	g.send(ts[:1], data)
	mount := int64(g.personal("alice").MountID)
	require.Len(t, g.control("uploads", mount), 1)

	d := g.do("DELETE", "/v1/uploads/"+up["id"].(string), "alice", "uploader", "")
	require.Equal(t, 204, d.Status, "%s", d.Body)
	assert.Empty(t, g.control("uploads", mount), "no upload left open")
	assert.Empty(t, g.files(mount), "nothing stored")
	c, session := g.browser(ts[1])
	_, err := c.Part(context.Background(), session, ts[1].Offset, data[ts[1].Offset:ts[1].Offset+ts[1].Length])
	assert.Equal(t, upload.CodeSessionInvalid, upload.Code(err), "the session is over")
	again := g.do("DELETE", "/v1/uploads/"+up["id"].(string), "alice", "uploader", "")
	assert.Equal(t, 204, again.Status, "canceling again is no error: %s", again.Body)
}

// A ticket is its caller's: another user cannot read, renew, complete or cancel it, nor
// can its caller under a role whose area or library is another ("alt": the same area in
// the team library); the library it names stays untouched.
func TestGokuaiBrokeredOtherUsersTicket(t *testing.T) {
	g := newGokuaiFlow(t)
	data := pattern(1_200_000, 7)
	a := g.begin("alice", "uploader", "/mine.bin", data, `,"partSize":1048576`)
	require.Equal(t, 201, a.Status, "%s", a.Body)
	up := a.JSON["upload"].(map[string]any)
	id := up["id"].(string)
	g.send(targetsOf(t, up["targets"]), data)
	before := g.requests("")
	for _, r := range []struct{ method, suffix, body string }{
		{"GET", "", ""}, {"POST", "/targets", `{"parts":[1]}`}, {"POST", "/complete", `{"crc64":"` + crcOf(data) + `"}`},
		{"DELETE", "", ""},
	} {
		for _, who := range [][2]string{{"bob", "uploader"}, {"bob", "team"}, {"alice", "team"}, {"alice", "alt"}} {
			w := g.do(r.method, "/v1/uploads/"+id+r.suffix, who[0], who[1], r.body)
			assert.Equal(t, 403, w.Status, "%s %s as %v: %s", r.method, r.suffix, who, w.Body)
		}
	}
	assert.Equal(t, before, g.requests(""), "no call reached Gokuai")
	done := g.complete("alice", "uploader", id, data)
	require.Equal(t, 200, done.Status, "alice's upload is intact: %s", done.Body)
}

// Resume: what the upload server holds is read through the function; a part sent at the
// wrong offset is refused with the offset to resume from; an incomplete upload is not
// completed.
func TestGokuaiBrokeredResume(t *testing.T) {
	g := newGokuaiFlow(t)
	data := pattern(3_000_000, 11)
	a := g.begin("alice", "uploader", "/resume.bin", data, `,"partSize":1048576`)
	require.Equal(t, 201, a.Status, "%s", a.Body)
	up := a.JSON["upload"].(map[string]any)
	id := up["id"].(string)
	ts := targetsOf(t, up["targets"])
	require.Len(t, ts, 3)
	g.send(ts[:1], data)

	st := g.do("GET", "/v1/uploads/"+id, "alice", "uploader", "")
	require.Equal(t, 200, st.Status, "%s", st.Body)
	assert.Equal(t, []any{map[string]any{"part": float64(1), "size": float64(1 << 20)}}, st.JSON["stored"])

	c, session := g.browser(ts[2])
	_, err := c.Part(context.Background(), session, ts[2].Offset, data[ts[2].Offset:])
	off, ok := upload.ExpectedOffset(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, ts[1].Offset, off)

	early := g.complete("alice", "uploader", id, data)
	assert.Equal(t, 400, early.Status, "%s", early.Body)

	fresh := g.do("POST", "/v1/uploads/"+id+"/targets", "alice", "uploader", `{"parts":[2,3]}`)
	require.Equal(t, 200, fresh.Status, "%s", fresh.Body)
	g.send(targetsOf(t, fresh.JSON["targets"]), data)
	done := g.complete("alice", "uploader", id, data)
	require.Equal(t, 200, done.Status, "%s", done.Body)
	again := g.complete("alice", "uploader", id, data)
	require.Equal(t, 200, again.Status, "a repeated complete (a lost answer) answers the file: %s", again.Body)
	assert.Equal(t, done.JSON["file"], again.JSON["file"])
}

// Conflicts: fail refuses a taken name, rename picks a free one, replace (with the grant)
// overwrites.
func TestGokuaiBrokeredConflicts(t *testing.T) {
	g := newGokuaiFlow(t)
	one, two := pattern(5000, 1), pattern(6000, 2)
	require.Equal(t, 200, g.upload("carol", "team", "/c.txt", one, `,"conflict":"fail"`).Status)

	fail := g.begin("carol", "team", "/c.txt", two, `,"conflict":"fail"`)
	assert.Equal(t, 409, fail.Status, "%s", fail.Body)
	assert.Equal(t, "AlreadyExists", fail.code())

	renamed := g.upload("carol", "team", "/c.txt", two, `,"conflict":"rename"`)
	require.Equal(t, 200, renamed.Status, "%s", renamed.Body)
	assert.Equal(t, "/team/c (1).txt", renamed.JSON["file"].(map[string]any)["path"])

	three := pattern(7000, 3)
	replaced := g.upload("carol", "team", "/c.txt", three, `,"conflict":"replace"`)
	require.Equal(t, 200, replaced.Status, "%s", replaced.Body)
	files := g.files(gokuaiemu.DevMountID)
	assert.Equal(t, sha1Hex(three), files["/team/c.txt"][1])
	assert.Equal(t, sha1Hex(two), files["/team/c (1).txt"][1])
}

// A caller who is no member of the enterprise has no personal library: refused, and
// nothing is created for it.
func TestGokuaiBrokeredNotAMember(t *testing.T) {
	g := newGokuaiFlow(t)
	a := g.begin("mallory", "uploader", "/a.bin", pattern(10, 1), "")
	assert.Equal(t, 403, a.Status, "%s", a.Body)
	assert.Equal(t, "Forbidden", a.code())
	assert.Equal(t, "MemberNotFound", a.JSON["providerCode"])
	assert.Zero(t, g.requests(routeSetByMember))
	assert.Zero(t, g.requests(routeCreateFile))
}

func TestGokuaiBrokeredDirectory(t *testing.T) {
	g := newGokuaiFlow(t)
	a := g.do("POST", "/v1/directory", "alice", "uploader", `{"path":"/users/alice/new/sub"}`)
	require.Equal(t, 201, a.Status, "%s", a.Body)
	a = g.do("POST", "/v1/directory", "alice", "uploader", `{"path":"/users/alice/new/sub"}`)
	require.Equal(t, 200, a.Status, "%s", a.Body)
	a = g.do("POST", "/v1/directory", "alice", "uploader", `{"path":"/users/bob/x"}`)
	assert.Equal(t, 403, a.Status, "%s", a.Body)
}

func TestGokuaiBrokeredConfig(t *testing.T) {
	for name, c := range map[string]struct {
		provider, policy, want string
	}{
		"no library":            {"gokuai", `{"roles":{"u":{"grants":["begin_upload"]}}}`, `"library"`},
		"a library that is not": {"gokuai", `{"roles":{"u":{"grants":["begin_upload"],"library":"team-a"}}}`, `"library"`},
		"capacity, fixed":       {"gokuai", `{"roles":{"u":{"grants":["begin_upload"],"library":"7","libraryCapacity":5}}}`, "libraryCapacity"},
		"capacity below -1":     {"gokuai", `{"roles":{"u":{"grants":["begin_upload"],"library":"{member}","libraryCapacity":-2}}}`, "libraryCapacity"},
		"quick upload off":      {"gokuai", `{"roles":{"u":{"grants":["begin_upload"],"library":"{member}","quickUpload":false}}}`, "quickUpload"},
		"a space":               {"gokuai", `{"roles":{"u":{"grants":["begin_upload"],"library":"{member}","space":"{space}"}}}`, "space"},
		"direct mode":           {"gokuai", `{"roles":{"u":{"grants":["begin_upload"],"library":"{member}","mode":"direct","confirm":"function"}}}`, "mode"},
		"library with SMH":      {"smh", `{"roles":{"u":{"grants":["begin_upload"],"library":"{member}"}}}`, `"library" is for`},
		"a quota":               {"gokuai", `{"roles":{"u":{"grants":["begin_upload"],"library":"{member}","quotaBytes":1000}}}`, "quotaBytes"},
	} {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{
				function.EnvProvider: c.provider, function.EnvPolicy: c.policy,
				function.EnvGokuaiAPIBase: "https://yk3.gokuai.com/m-open", function.EnvGokuaiClientID: "id",
				function.EnvGokuaiClientSecret: "secret", function.EnvHS256Secret: hsSecret,
				function.EnvTicketKey: strings.Repeat("t", 32), function.EnvAPIBase: "https://smhx.api.tencentsmh.cn",
				function.EnvLibraryID: "smhx", function.EnvLibrarySecret: "library-secret",
			}
			cfg, err := function.ConfigFromLookup(lookupOf(env))
			if err == nil {
				_, err = function.New(cfg)
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// uploadErr is a whole upload that reports instead of failing the test, for goroutines.
func (g *gokuaiFlow) uploadErr(user, role, p string, data []byte) error {
	a := g.begin(user, role, p, data, "")
	if a.Status != 201 {
		return fmt.Errorf("begin %s: %d %s", p, a.Status, a.Body)
	}
	up := a.JSON["upload"].(map[string]any)
	for _, tg := range targetsOf(g.t, up["targets"]) {
		c := &upload.Client{Server: strings.TrimSuffix(tg.URL, upload.PathPart), Doer: gokuaihttp.Doer{Client: g.srv.HTTPClient()}}
		if _, err := c.Part(context.Background(), tg.Headers[upload.HeaderSession], tg.Offset, data[tg.Offset:tg.Offset+tg.Length]); err != nil {
			return fmt.Errorf("part %d of %s: %w", tg.Part, p, err)
		}
	}
	if d := g.complete(user, role, up["id"].(string), data); d.Status != 200 {
		return fmt.Errorf("complete %s: %d %s", p, d.Status, d.Body)
	}
	return nil
}

// Concurrent first uploads of several callers share the caches (personal libraries,
// credentials) safely: run under -race.
func TestGokuaiBrokeredConcurrent(t *testing.T) {
	g := newGokuaiFlow(t)
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for i := range 12 {
		user, role := []string{"alice", "bob", "dev-user"}[i%3], []string{"uploader", "alt"}[i/6]
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- g.uploadErr(user, role, fmt.Sprintf("/c%d.bin", i), pattern(1000+i, byte(i)))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	for _, m := range []string{"alice", "bob", "dev-user"} {
		assert.Len(t, g.files(int64(g.personal(m).MountID)), 2, m)
	}
	assert.Len(t, g.files(gokuaiemu.DevMountID), 6)
}

// TestGokuaiBrokeredHashMismatch: bytes that are not the file whose SHA-1 began the upload
// are refused at complete as the neutral ChecksumMismatch, Gokuai's code beside it; Gokuai
// dropped the upload, so it is gone.
func TestGokuaiBrokeredHashMismatch(t *testing.T) {
	g := newGokuaiFlow(t)
	data := pattern(3000, 7)
	a := g.begin("alice", "uploader", "/m.bin", data, "")
	require.Equal(t, 201, a.Status, "%s", a.Body)
	up := a.JSON["upload"].(map[string]any)
	other := pattern(3000, 8)
	g.send(g.allTargets("alice", "uploader", up), other)
	c := g.complete("alice", "uploader", up["id"].(string), other)
	assert.Equal(t, 400, c.Status, "%s", c.Body)
	assert.Equal(t, "ChecksumMismatch", c.code())
	assert.Equal(t, "FileHashMismatch", c.JSON["providerCode"])
	assert.Equal(t, "UploadNotFound", g.do("GET", "/v1/uploads/"+up["id"].(string), "alice", "uploader", "").code())
}

// The completion webhook of a Gokuai upload names the bytes by the SHA-1 Gokuai checked
// them against; its crc64 is empty: Gokuai states none, and the browser's own is no
// evidence to a receiver.
func TestGokuaiBrokeredWebhook(t *testing.T) {
	ts, got := receiver(t)
	g := newGokuaiFlow(t, func(c *function.Config) { c.WebhookURL, c.WebhookSecret = ts.URL, webhookSecret })
	data := pattern(1_500_000, 9)
	require.Equal(t, 200, g.upload("alice", "uploader", "/w.bin", data, `,"partSize":1048576`).Status)
	d := nextDelivery(t, got)
	var ev map[string]any
	require.NoError(t, json.Unmarshal(d.body, &ev))
	assert.Equal(t, "/users/alice/w.bin", ev["path"])
	assert.Equal(t, float64(len(data)), ev["size"])
	assert.Equal(t, sha1Hex(data), ev["sha1"])
	assert.Equal(t, "", ev["crc64"])
	require.NoError(t, function.VerifySignature(webhookSecret, d.header, d.body, time.Now(), 5*time.Minute))
}
