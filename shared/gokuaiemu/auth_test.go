package gokuaiemu_test

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/emukit"
	"github.com/ferry-upload/ferry/shared/gokuai"
	"github.com/ferry-upload/ferry/shared/gokuaiemu"
)

const form = "application/x-www-form-urlencoded"

// TestSignatureAndDateline: a wrong secret, a parameter changed after signing, a dateline
// outside the window (either way) and a replay once the window has passed are refused,
// each with Gokuai's error shape and its own code.
func TestSignatureAndDateline(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	info := gokuai.LibraryRef{OrgID: gokuaiemu.DevOrgID}
	skewed := func(d time.Duration) *gokuai.Client {
		c := e.client(gokuaiemu.DevClientID, gokuaiemu.DevClientSecret, false)
		c.Now = func() time.Time { return e.clock.Now().Add(d) }
		return c
	}
	for _, tc := range []struct {
		name string
		c    *gokuai.Client
		code string // "" = accepted
	}{
		{"right credential", e.ent, ""},
		{"wrong secret", e.client(gokuaiemu.DevClientID, "gkdevsecreT", false), gokuai.CodeInvalidSign},
		{"unknown client", e.client("nobody", gokuaiemu.DevClientSecret, false), gokuai.CodeInvalidClient},
		{"unknown library credential", e.client("nobody", "x", true), gokuai.CodeInvalidClient},
		{"4 minutes slow", skewed(-4 * time.Minute), ""},
		{"4 minutes fast", skewed(4 * time.Minute), ""},
		{"6 minutes slow", skewed(-6 * time.Minute), gokuai.CodeDatelineExpired},
		{"6 minutes fast", skewed(6 * time.Minute), gokuai.CodeDatelineExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.c.Info(ctx, info)
			if tc.code == "" {
				require.NoError(t, err)
				return
			}
			requireCode(t, err, tc.code)
			assert.Equal(t, 401, err.(*gokuai.Error).Status)
		})
	}

	t.Run("tampered", func(t *testing.T) {
		p := e.ent.Signed(gokuai.Params{"org_id": "1"})
		p["org_id"] = "2"
		status, body := e.post("info", form, string(gokuai.Encode(p)))
		assert.Equal(t, 401, status)
		assert.JSONEq(t, `{"error_code":401041,"error_msg":"sign error"}`, body)
		p = e.ent.Signed(gokuai.Params{"org_id": "1"})
		p["extra"] = "" // an added parameter, even empty, is not signed
		status, _ = e.post("info", form, string(gokuai.Encode(p)))
		assert.Equal(t, 401, status)
	})

	t.Run("replay", func(t *testing.T) {
		body := string(gokuai.Encode(e.ent.Signed(gokuai.Params{"org_id": "1"})))
		status, _ := e.post("info", form, body)
		require.Equal(t, 200, status)
		status, _ = e.post("info", form, body)
		require.Equal(t, 200, status, "within the window a signed call may be retried")
		e.clock.Add(gokuaiemu.DefaultWindow + time.Second)
		status, ans := e.post("info", form, body)
		assert.Equal(t, 401, status)
		var eb struct {
			ErrorCode int64 `json:"error_code"`
		}
		require.NoError(t, json.Unmarshal([]byte(ans), &eb))
		assert.Equal(t, int64(401042), eb.ErrorCode)
	})
}

// TestMalformedRequests: what the signature cannot vouch for is refused before any
// state is read.
func TestMalformedRequests(t *testing.T) {
	e := newEnv(t, "")
	signed := func(p gokuai.Params) string { return string(gokuai.Encode(e.ent.Signed(p))) }
	for _, tc := range []struct {
		name, op, ctype, body string
		status                int
		code                  int64
	}{
		{"no sign", "info", form, "client_id=gkdev&dateline=1&org_id=1", 400, 40001},
		{"no dateline", "info", form, "client_id=gkdev&sign=x&org_id=1", 400, 40001},
		{"no client_id", "info", form, "sign=x&dateline=1", 400, 40001},
		{"json body", "info", "application/json", `{"org_id":1}`, 400, 40001},
		{"key twice", "info", form, signed(gokuai.Params{"org_id": "1"}) + "&org_id=1", 400, 40001},
		{"query string", "info?org_id=1", form, signed(gokuai.Params{}), 400, 40001},
		{"unknown operation", "nothing", form, signed(gokuai.Params{}), 404, 40400},
		{"bad org_id", "info", form, signed(gokuai.Params{"org_id": "x"}), 400, 40001},
		{"missing org_name", "create", form, signed(gokuai.Params{}), 400, 40001},
		{"capacity below -1", "create", form, signed(gokuai.Params{"org_name": "x", "org_capacity": "-2"}), 400, 40001},
		{"search size above 1000", "search", form, signed(gokuai.Params{"name": "x", "size": "1001"}), 400, 40001},
		{"two member ids", "info_by_member", form, signed(gokuai.Params{"out_id": "alice", "account": "alice"}), 400, 40001},
		{"unknown member", "set_by_member", form, signed(gokuai.Params{"out_id": "mallory"}), 404, 40403},
		{"get_member type", "get_member", form, signed(gokuai.Params{"org_id": "1", "ids": "1", "type": "name"}), 400, 40001},
		{"unknown member in a list", "add_member", form, signed(gokuai.Params{"org_id": "1", "member_ids": "1,99", "role_id": "2"}), 404, 40403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.post(tc.op, tc.ctype, tc.body)
			assert.Equal(t, tc.status, status, body)
			var eb struct {
				ErrorCode int64  `json:"error_code"`
				ErrorMsg  string `json:"error_msg"`
			}
			require.NoError(t, json.Unmarshal([]byte(body), &eb), body)
			assert.Equal(t, tc.code, eb.ErrorCode, body)
			assert.NotEmpty(t, eb.ErrorMsg)
		})
	}
	resp, err := e.srv.HTTPClient().Get(e.srv.APIBase() + "/1/org/info")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 405, resp.StatusCode, "POST only")
	// Nothing above changed anything: the log is empty.
	page, err := e.ent.Log(context.Background(), gokuai.LogRequest{})
	require.NoError(t, err)
	assert.Zero(t, page.Total)
}

// TestOtherLibraryRefused: parameters that try to reach another library than the one a
// credential or another parameter names are refused, and change nothing.
func TestOtherLibraryRefused(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	c := e.ent
	a, err := c.Create(ctx, gokuai.CreateRequest{Name: "A"})
	require.NoError(t, err)
	b, err := c.Create(ctx, gokuai.CreateRequest{Name: "B"})
	require.NoError(t, err)
	libA, bindA := e.libClient(int64(a.OrgID))
	aRef, bRef := gokuai.LibraryRef{OrgID: int64(a.OrgID)}, gokuai.LibraryRef{OrgID: int64(b.OrgID)}

	// A's credential reads A, with or without naming it.
	got, err := libA.Info(ctx, aRef)
	require.NoError(t, err)
	assert.Equal(t, a.OrgID, got.OrgID)
	got, err = libA.Info(ctx, gokuai.LibraryRef{MountID: int64(a.MountID)})
	require.NoError(t, err)
	assert.Equal(t, a.OrgID, got.OrgID)

	for _, tc := range []struct {
		name string
		call func() error
		code string
	}{
		{"A's credential: info of B", func() error { _, err := libA.Info(ctx, bRef); return err }, gokuai.CodeForbidden},
		{"A's credential: info of B by mount", func() error {
			_, err := libA.Info(ctx, gokuai.LibraryRef{MountID: int64(b.MountID)})
			return err
		}, gokuai.CodeForbidden},
		{"A's credential: A's org_id with B's mount_id", func() error {
			_, err := libA.Info(ctx, gokuai.LibraryRef{OrgID: int64(a.OrgID), MountID: int64(b.MountID)})
			return err
		}, gokuai.CodeForbidden},
		{"A's credential: a library that does not exist", func() error { _, err := libA.Info(ctx, gokuai.LibraryRef{OrgID: 999}); return err }, gokuai.CodeForbidden},
		{"A's credential: members of B", func() error {
			_, err := libA.GetMembers(ctx, gokuai.GetMembersRequest{OrgID: int64(b.OrgID)})
			return err
		}, gokuai.CodeForbidden},
		{"A's credential: groups of B", func() error { _, err := libA.GetGroups(ctx, int64(b.OrgID)); return err }, gokuai.CodeForbidden},
		{"A's credential: log of B", func() error { _, err := libA.Log(ctx, gokuai.LogRequest{LibraryRef: bRef}); return err }, gokuai.CodeForbidden},
		{"A's credential: add a member to A", func() error {
			return libA.AddMember(ctx, gokuai.MembersRequest{OrgID: int64(a.OrgID), MemberIDs: []int64{2}, RoleID: 2})
		}, gokuai.CodeForbidden},
		{"A's credential: set B", func() error { return libA.Set(ctx, gokuai.SetRequest{LibraryRef: bRef, Name: ptr("x")}) }, gokuai.CodeForbidden},
		{"A's credential: bind B", func() error { _, err := libA.Bind(ctx, gokuai.BindRequest{LibraryRef: bRef}); return err }, gokuai.CodeForbidden},
		{"A's credential: destroy B", func() error { return libA.Destroy(ctx, gokuai.DestroyRequest{OrgID: int64(b.OrgID)}) }, gokuai.CodeForbidden},
		{"A's credential: create", func() error { _, err := libA.Create(ctx, gokuai.CreateRequest{Name: "C"}); return err }, gokuai.CodeForbidden},
		{"A's credential: personal libraries", func() error {
			return libA.SetByMember(ctx, gokuai.SetByMemberRequest{MemberRef: gokuai.MemberRef{OutID: "bob"}})
		}, gokuai.CodeForbidden},
		{"A's org_id with B's mount_id", func() error {
			return c.Set(ctx, gokuai.SetRequest{LibraryRef: gokuai.LibraryRef{OrgID: int64(a.OrgID), MountID: int64(b.MountID)}, Name: ptr("x")})
		}, gokuai.CodeInvalidParameter},
		{"destroy B named by A's credential", func() error {
			return c.Destroy(ctx, gokuai.DestroyRequest{OrgID: int64(b.OrgID), OrgClientID: string(bindA.OrgClientID)})
		}, gokuai.CodeInvalidParameter},
	} {
		t.Run(tc.name, func(t *testing.T) { requireCode(t, tc.call(), tc.code) })
	}

	for _, ref := range []gokuai.LibraryRef{aRef, bRef} {
		l, err := c.Info(ctx, ref)
		require.NoError(t, err, "both libraries are still there")
		assert.NotEqual(t, gokuai.Text("x"), l.OrgName)
	}
	members, err := c.GetMembers(ctx, gokuai.GetMembersRequest{OrgID: int64(a.OrgID)})
	require.NoError(t, err)
	assert.Zero(t, members.Count)
	page, err := c.Log(ctx, gokuai.LogRequest{})
	require.NoError(t, err)
	assert.Equal(t, gokuai.Int(3), page.Total, "create, create, bind: nothing refused was logged")
}

// TestControlAPI: the kit's test-control API answers for Gokuai mount ids, and injected
// faults come in Gokuai's error shape.
func TestControlAPI(t *testing.T) {
	e := newEnv(t, "")
	get := func(path string) (int, string) {
		resp, err := e.srv.HTTPClient().Get(e.srv.URL() + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		var b json.RawMessage
		_ = json.NewDecoder(resp.Body).Decode(&b)
		return resp.StatusCode, string(b)
	}
	status, body := get("/_emulator/files?library=" + url.QueryEscape("101"))
	assert.Equal(t, 200, status)
	assert.Equal(t, `[]`, body)
	status, body = get("/_emulator/uploads?library=101")
	assert.Equal(t, 200, status)
	assert.Equal(t, `[]`, body)
	status, body = get("/_emulator/files?library=1") // an org id, not a mount id
	assert.Equal(t, 404, status)
	assert.JSONEq(t, `{"error_code":40402,"error_msg":"library not found"}`, body)

	require.NoError(t, e.srv.Emulator().Kit().SetFaults(emukit.FaultConfig{Seed: 1,
		ControlPlane: emukit.PlaneFaults{Rate: 1, Kinds: []string{"503"}}}))
	_, err := e.ent.Create(context.Background(), gokuai.CreateRequest{Name: "never"})
	requireCode(t, err, gokuai.CodeUnavailable)
	require.NoError(t, e.srv.Emulator().Kit().SetFaults(emukit.FaultConfig{}))
	got, err := e.ent.Search(context.Background(), gokuai.SearchRequest{Name: "never"})
	require.NoError(t, err)
	assert.Empty(t, got, "a faulted call changed nothing")

	// Reset brings back the fresh state: the dev library and nothing else.
	_, err = e.ent.Create(context.Background(), gokuai.CreateRequest{Name: "gone after reset"})
	require.NoError(t, err)
	resp, err := e.srv.HTTPClient().Post(e.srv.URL()+"/_emulator/reset", "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	all, err := e.ent.List(context.Background(), gokuai.ListRequest{})
	require.NoError(t, err)
	require.Len(t, all, 1)
	assert.Equal(t, gokuai.Text(gokuaiemu.DevLibraryName), all[0].OrgName)
}
