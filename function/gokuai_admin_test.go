package function_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/gokuaiemu"
)

// lockedBuffer collects log lines written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

type gokuaiAdmin struct {
	t   *testing.T
	srv *gokuaiemu.Server
	h   http.Handler
	log *lockedBuffer
}

const gokuaiPolicy = `{"roles":{
	"backend":{"grants":[],"admin":["*"]},
	"auditor":{"grants":[],"admin":["info","log","ls"]}}}`

func newGokuaiAdmin(t *testing.T) *gokuaiAdmin {
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
		function.EnvPolicy:             gokuaiPolicy,
	}))
	require.NoError(t, err)
	cfg.HTTPClient = srv.HTTPClient()
	buf := &lockedBuffer{}
	cfg.Logger = slog.New(slog.NewJSONHandler(buf, nil))
	h, err := function.New(cfg)
	require.NoError(t, err)
	return &gokuaiAdmin{t: t, srv: srv, h: h, log: buf}
}

func (g *gokuaiAdmin) call(op, user, role, body string, hdr ...string) *httptest.ResponseRecorder {
	g.t.Helper()
	r := httptest.NewRequest("POST", "https://fn.example.com/v1/admin/"+op, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", bearer(g.t, user, role))
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	g.h.ServeHTTP(w, r)
	recordAnswer(w.Code, w.Header(), w.Body.Bytes())
	return w
}

func TestGokuaiAdmin(t *testing.T) {
	g := newGokuaiAdmin(t)
	w := g.call("create", "ops", "backend", `{"org_name":"team-a","org_capacity":1073741824}`)
	require.Equal(t, 200, w.Code, "%s", w.Body)
	var created struct {
		OrgID   json.Number `json:"org_id"`
		MountID json.Number `json:"mount_id"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &created))
	require.NotEmpty(t, created.OrgID.String())

	w = g.call("info", "ops", "auditor", `{"org_id":`+created.OrgID.String()+`}`)
	require.Equal(t, 200, w.Code, "%s", w.Body)
	assert.Contains(t, w.Body.String(), "team-a")

	// bind answers the library credential's id, never its secret.
	w = g.call("bind", "ops", "backend", `{"org_id":`+created.OrgID.String()+`,"title":"ferry"}`)
	require.Equal(t, 200, w.Code, "%s", w.Body)
	assert.Contains(t, w.Body.String(), `"bound":true`)
	assert.NotContains(t, w.Body.String(), "secret")
	var bound struct {
		OrgClientID string `json:"org_client_id"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &bound))
	w = g.call("unbind", "ops", "backend", `{"org_client_id":"`+bound.OrgClientID+`"}`)
	require.Equal(t, 200, w.Code, "%s", w.Body)

	// The audit trail: who made which operation on which library.
	logs := g.log.String()
	assert.Contains(t, logs, `"adminOp":"create"`)
	assert.Contains(t, logs, `"adminOp":"bind"`)
	assert.Contains(t, logs, `"userId":"ops"`)
	assert.Contains(t, logs, `"org_id":"`+created.OrgID.String()+`"`)
	assert.NotContains(t, logs, gokuaiemu.DevClientSecret)
}

// The admin routes' part of issue 14's security matrix.
func TestGokuaiAdminRefusals(t *testing.T) {
	g := newGokuaiAdmin(t)
	for _, c := range []struct {
		name, op, role, body string
		hdr                  []string
		status               int
	}{
		{"a browser (Origin)", "info", "backend", `{"org_id":1}`, []string{"Origin", "https://app.example.com"}, 403},
		{"an uploader role", "info", "uploader", `{"org_id":1}`, nil, 403},
		{"an op outside the role's list", "destroy", "auditor", `{"org_id":1}`, nil, 403},
		{"an unknown op", "create_file", "backend", `{}`, nil, 400},
		{"a path as op", "info%2f..%2fx", "backend", `{}`, nil, 404},
		{"its own client_id", "info", "backend", `{"org_id":1,"client_id":"other"}`, nil, 400},
		{"another library's credential", "info", "backend", `{"org_id":1,"org_client_id":"x"}`, nil, 400},
		{"a dateline of its own", "info", "backend", `{"org_id":1,"dateline":"1"}`, nil, 400},
		{"a sign of its own", "info", "backend", `{"org_id":1,"sign":"x"}`, nil, 400},
		{"a nested value", "info", "backend", `{"org_id":{"$gt":0}}`, nil, 400},
		{"a duplicate key", "info", "backend", `{"org_id":1,"org_id":2}`, nil, 400},
		{"a library that does not exist", "info", "backend", `{"org_id":999999}`, nil, 404},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := g.call(c.op, "ops", c.role, c.body, c.hdr...)
			assert.Equal(t, c.status, w.Code, "%s", w.Body)
		})
	}
	// Admin roles are a backend's: no token, no upload.
	r := httptest.NewRequest("POST", "https://fn.example.com/v1/token", nil)
	r.Header.Set("Authorization", bearer(t, "ops", "backend"))
	w := httptest.NewRecorder()
	g.h.ServeHTTP(w, r)
	assert.Equal(t, 403, w.Code, "%s", w.Body)
}

func TestGokuaiAdminConfig(t *testing.T) {
	for name, c := range map[string]struct {
		provider, policy, want string
	}{
		"admin role with SMH":              {"smh", `{"roles":{"b":{"grants":[],"admin":["info"]}}}`, `"admin" is for`},
		"unknown op":                       {"gokuai", `{"roles":{"b":{"grants":[],"admin":["format_disk"]}}}`, "format_disk"},
		"an upload role without a library": {"gokuai", `{"roles":{"u":{"grants":["begin_upload"]}}}`, `names its "library"`},
		"base without /m-open":             {"gokuai", gokuaiPolicy, "/m-open"},
	} {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{
				function.EnvProvider: c.provider, function.EnvPolicy: c.policy,
				function.EnvGokuaiAPIBase: "https://yk3.gokuai.com/m-open", function.EnvGokuaiClientID: "id",
				function.EnvGokuaiClientSecret: "secret", function.EnvHS256Secret: hsSecret,
				function.EnvTicketKey: strings.Repeat("t", 32), function.EnvAPIBase: "https://smhx.api.tencentsmh.cn",
				function.EnvLibraryID: "smhx", function.EnvLibrarySecret: "library-secret",
			}
			if name == "base without /m-open" {
				env[function.EnvGokuaiAPIBase] = "https://yk3.gokuai.com"
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
