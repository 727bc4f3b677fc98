package gokuaiemu_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/gokuai"
	"github.com/ferry-upload/ferry/shared/gokuai/gokuaihttp"
	"github.com/ferry-upload/ferry/shared/gokuai/upload"
	"github.com/ferry-upload/ferry/shared/gokuaiemu"
)

// clock is a settable clock shared by the emulator and the clients of a test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type env struct {
	t     *testing.T
	srv   *gokuaiemu.Server
	clock *clock
	ent   *gokuai.Client // the dev enterprise credential
}

func newEnv(t *testing.T, dataDir string) *env {
	t.Helper()
	ck := &clock{t: time.Unix(1_800_000_000, 0)}
	srv, err := gokuaiemu.NewServer(gokuaiemu.Options{DataDir: dataDir, Now: ck.Now})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, clock: ck}
	e.ent = e.client(gokuaiemu.DevClientID, gokuaiemu.DevClientSecret, false)
	return e
}

// client is a client of the emulator on the test's clock.
func (e *env) client(id, secret string, library bool) *gokuai.Client {
	return &gokuai.Client{BaseURL: e.srv.APIBase(), ClientID: id, Secret: secret, Library: library,
		Doer: gokuaihttp.Doer{Client: e.srv.HTTPClient()}, Now: e.clock.Now}
}

// libClient binds a library and returns a client with its credential.
func (e *env) libClient(orgID int64) (*gokuai.Client, *gokuai.Binding) {
	e.t.Helper()
	b, err := e.ent.Bind(context.Background(), gokuai.BindRequest{LibraryRef: gokuai.LibraryRef{OrgID: orgID}, Title: "ferry"})
	require.NoError(e.t, err)
	return e.client(string(b.OrgClientID), string(b.OrgClientSecret), true), b
}

// post sends a raw form body to an operation and returns status and body.
func (e *env) post(op, contentType, body string) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest("POST", e.srv.APIBase()+"/1/org/"+op, strings.NewReader(body))
	require.NoError(e.t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := e.srv.HTTPClient().Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return resp.StatusCode, string(b)
}

// requireCode fails unless err is a Gokuai *Error with the stable code, and its numeric
// error_code is the one the client maps to that code.
// An upload-server error (*upload.Error) is held to the same.
func requireCode(t *testing.T, err error, code string) {
	t.Helper()
	require.Error(t, err)
	var ue *upload.Error
	if errors.As(err, &ue) {
		require.Equal(t, code, ue.Code, "%v", err)
		require.NotZero(t, ue.ServiceCode, "the answer carried Gokuai's error shape")
		require.Equal(t, code, gokuai.ServiceCodes[ue.ServiceCode], "the two clients map the code alike")
		require.NotEmpty(t, ue.Message)
		return
	}
	var ge *gokuai.Error
	require.ErrorAs(t, err, &ge)
	require.Equal(t, code, ge.Code, "%v", err)
	require.NotZero(t, ge.ServiceCode, "the answer carried Gokuai's error shape")
	require.NotEmpty(t, ge.Message)
}

// stats reads the emulator's request stats.
func (e *env) stats() map[string]map[string]uint64 {
	e.t.Helper()
	resp, err := e.srv.HTTPClient().Get(e.srv.URL() + "/_emulator/stats")
	require.NoError(e.t, err)
	defer resp.Body.Close()
	var s struct{ Requests map[string]map[string]uint64 }
	require.NoError(e.t, json.NewDecoder(resp.Body).Decode(&s))
	return s.Requests
}

func ptr[T any](v T) *T { return &v }
