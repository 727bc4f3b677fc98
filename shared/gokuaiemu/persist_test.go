package gokuaiemu_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/gokuai"
	"github.com/ferry-upload/ferry/shared/gokuaiemu"
)

// TestRestartKeepsState: with a data directory, libraries, members, groups, personal
// libraries, credentials and the log survive a restart, and so does a destroyed dev
// library's absence (a fresh state must not be merged under the saved one).
func TestRestartKeepsState(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e1 := newEnv(t, dir)
	c := e1.ent
	lib, err := c.Create(ctx, gokuai.CreateRequest{Name: "kept", Capacity: 4096})
	require.NoError(t, err)
	require.NoError(t, c.AddMember(ctx, gokuai.MembersRequest{OrgID: int64(lib.OrgID), MemberIDs: []int64{3}, RoleID: gokuaiemu.RoleUploader}))
	require.NoError(t, c.AddGroup(ctx, gokuai.GroupRequest{OrgID: int64(lib.OrgID), GroupID: 1, RoleID: gokuaiemu.RoleViewer}))
	require.NoError(t, c.SetByMember(ctx, gokuai.SetByMemberRequest{MemberRef: gokuai.MemberRef{OutID: "bob"}, Capacity: ptr(int64(777))}))
	require.NoError(t, c.Destroy(ctx, gokuai.DestroyRequest{OrgID: gokuaiemu.DevOrgID}))
	_, bind := e1.libClient(int64(lib.OrgID))
	before, err := c.Log(ctx, gokuai.LogRequest{})
	require.NoError(t, err)
	e1.srv.Close() // state saved before each answer; Close only flushes

	e2 := newEnv(t, dir)
	c = e2.ent
	all, err := c.List(ctx, gokuai.ListRequest{})
	require.NoError(t, err)
	require.Len(t, all, 2, "kept and bob's personal library; the destroyed dev library stays destroyed")
	info, err := c.Info(ctx, gokuai.LibraryRef{OrgID: int64(lib.OrgID)})
	require.NoError(t, err)
	assert.Equal(t, gokuai.Int(4096), info.SizeOrgTotal)
	members, err := c.GetMember(ctx, gokuai.GetMemberRequest{OrgID: int64(lib.OrgID), IDs: []string{"bob"}, Type: gokuai.IDTypeOutID})
	require.NoError(t, err)
	assert.Equal(t, gokuai.Int(gokuaiemu.RoleUploader), members["bob"].RoleID)
	groups, err := c.GetGroups(ctx, int64(lib.OrgID))
	require.NoError(t, err)
	assert.Len(t, groups, 1)
	personal, err := c.InfoByMember(ctx, gokuai.MemberRef{OutID: "bob"})
	require.NoError(t, err)
	assert.Equal(t, gokuai.Int(777), personal.SizeOrgTotal)
	after, err := c.Log(ctx, gokuai.LogRequest{})
	require.NoError(t, err)
	assert.Equal(t, before, after)

	lc := e2.client(string(bind.OrgClientID), string(bind.OrgClientSecret), true)
	got, err := lc.Info(ctx, gokuai.LibraryRef{})
	require.NoError(t, err, "the library credential still signs")
	assert.Equal(t, lib.OrgID, got.OrgID)
	again, err := c.Bind(ctx, gokuai.BindRequest{LibraryRef: gokuai.LibraryRef{OrgID: int64(lib.OrgID)}})
	require.NoError(t, err)
	assert.Equal(t, *bind, *again)
	fresh, err := c.Create(ctx, gokuai.CreateRequest{Name: "next"})
	require.NoError(t, err)
	assert.Greater(t, fresh.OrgID, personal.OrgID, "ids are not reused")
	assert.Greater(t, fresh.MountID, personal.MountID)
}
