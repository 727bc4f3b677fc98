package gokuaiemu_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/gokuai"
	"github.com/ferry-upload/ferry/shared/gokuaiemu"
)

// TestOperations runs every one of the 21 library operations through the client against
// the emulator over HTTP, in an order where each step sees what the earlier ones did,
// then checks from the emulator's stats that each operation answered 200.
func TestOperations(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	c := e.ent
	var lib gokuai.Created // made by create
	var bind *gokuai.Binding
	steps := []struct {
		op  string
		run func(t *testing.T)
	}{
		{"create", func(t *testing.T) {
			out, err := c.Create(ctx, gokuai.CreateRequest{Name: "team docs", LogoURL: "https://x/logo.png", Capacity: 1 << 30})
			require.NoError(t, err)
			assert.Greater(t, int64(out.OrgID), int64(gokuaiemu.DevOrgID))
			assert.NotEqual(t, out.OrgID, out.MountID, "org and mount ids are distinct spaces")
			lib = *out
		}},
		{"info", func(t *testing.T) {
			for _, ref := range []gokuai.LibraryRef{{OrgID: int64(lib.OrgID)}, {MountID: int64(lib.MountID)}, {OrgID: int64(lib.OrgID), MountID: int64(lib.MountID)}} {
				l, err := c.Info(ctx, ref)
				require.NoError(t, err)
				assert.Equal(t, gokuai.Library{OrgID: lib.OrgID, OrgName: "team docs", OrgLogoURL: "https://x/logo.png",
					SizeOrgTotal: 1 << 30, MountID: lib.MountID}, *l)
			}
		}},
		{"set", func(t *testing.T) {
			require.NoError(t, c.Set(ctx, gokuai.SetRequest{LibraryRef: gokuai.LibraryRef{MountID: int64(lib.MountID)},
				Name: ptr("team files"), Capacity: ptr(gokuai.Unlimited)}))
			l, err := c.Info(ctx, gokuai.LibraryRef{OrgID: int64(lib.OrgID)})
			require.NoError(t, err)
			assert.Equal(t, gokuai.Text("team files"), l.OrgName)
			assert.Equal(t, gokuai.Int(-1), l.SizeOrgTotal, "an empty org_capacity removes the limit")
			assert.Equal(t, gokuai.Text("https://x/logo.png"), l.OrgLogoURL, "what is not sent stays")
			require.NoError(t, c.Set(ctx, gokuai.SetRequest{LibraryRef: gokuai.LibraryRef{OrgID: int64(lib.OrgID)}, Capacity: ptr(int64(5000))}))
			l, err = c.Info(ctx, gokuai.LibraryRef{OrgID: int64(lib.OrgID)})
			require.NoError(t, err)
			assert.Equal(t, gokuai.Int(5000), l.SizeOrgTotal)
		}},
		{"search", func(t *testing.T) {
			got, err := c.Search(ctx, gokuai.SearchRequest{Name: "team files"})
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, lib.OrgID, got[0].OrgID)
			got, err = c.Search(ctx, gokuai.SearchRequest{Prefix: "team"})
			require.NoError(t, err)
			require.Len(t, got, 1)
			got, err = c.Search(ctx, gokuai.SearchRequest{Name: "team"})
			require.NoError(t, err)
			assert.Empty(t, got, "name is an exact match")
			got, err = c.Search(ctx, gokuai.SearchRequest{Prefix: "", Name: gokuaiemu.DevLibraryName})
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, gokuai.Int(gokuaiemu.DevMountID), got[0].MountID)
		}},
		{"info_by_member", func(t *testing.T) {
			l, err := c.InfoByMember(ctx, gokuai.MemberRef{OutID: "alice"})
			require.NoError(t, err)
			assert.False(t, l.Initialized())
			assert.Equal(t, gokuai.Library{SizeOrgTotal: -1}, *l, "not initialised: only size_org_total")
		}},
		{"set_by_member", func(t *testing.T) {
			require.NoError(t, c.SetByMember(ctx, gokuai.SetByMemberRequest{MemberRef: gokuai.MemberRef{OutID: "alice"}, Capacity: ptr(int64(1 << 20))}))
			l, err := c.InfoByMember(ctx, gokuai.MemberRef{Account: "alice"})
			require.NoError(t, err)
			require.True(t, l.Initialized())
			assert.Equal(t, gokuai.Int(1<<20), l.SizeOrgTotal)
			first := l.OrgID
			require.NoError(t, c.SetByMember(ctx, gokuai.SetByMemberRequest{MemberRef: gokuai.MemberRef{MemberID: 2}, Capacity: ptr(gokuai.Unlimited)}))
			l, err = c.InfoByMember(ctx, gokuai.MemberRef{Email: "alice@example.com"})
			require.NoError(t, err)
			assert.Equal(t, first, l.OrgID, "a second call changes the same library")
			assert.Equal(t, gokuai.Int(-1), l.SizeOrgTotal)
			members, err := c.GetMembers(ctx, gokuai.GetMembersRequest{OrgID: int64(first)})
			require.NoError(t, err)
			require.Len(t, members.List, 1)
			assert.Equal(t, gokuai.Text("alice"), members.List[0].OutID)
			assert.Equal(t, gokuai.Int(gokuaiemu.RoleOwner), members.List[0].RoleID)
		}},
		{"ls", func(t *testing.T) {
			all, err := c.List(ctx, gokuai.ListRequest{})
			require.NoError(t, err)
			assert.Len(t, all, 3)
			personal, err := c.List(ctx, gokuai.ListRequest{Type: gokuai.ListPersonal})
			require.NoError(t, err)
			require.Len(t, personal, 1)
			assert.Equal(t, gokuai.Text("alice"), personal[0].OrgName)
			assert.Equal(t, gokuai.Int(2), personal[0].OwnerID)
			shared, err := c.List(ctx, gokuai.ListRequest{Type: gokuai.ListShared})
			require.NoError(t, err)
			assert.Len(t, shared, 2)
			mine, err := c.List(ctx, gokuai.ListRequest{MemberID: 2})
			require.NoError(t, err)
			assert.Len(t, mine, 1, "alice takes part in her personal library only")
		}},
		{"add_member", func(t *testing.T) {
			require.NoError(t, c.AddMember(ctx, gokuai.MembersRequest{OrgID: int64(lib.OrgID), MemberIDs: []int64{1, 3}, RoleID: gokuaiemu.RoleEditor}))
		}},
		{"get_members", func(t *testing.T) {
			got, err := c.GetMembers(ctx, gokuai.GetMembersRequest{OrgID: int64(lib.OrgID)})
			require.NoError(t, err)
			assert.Equal(t, gokuai.Int(2), got.Count)
			require.Len(t, got.List, 2)
			assert.Equal(t, gokuai.Member{MemberID: 1, OutID: "dev-user", Account: "dev-user", MemberName: "dev-user",
				MemberEmail: "dev-user@example.com", State: 1, RoleID: gokuaiemu.RoleEditor}, got.List[0])
			page, err := c.GetMembers(ctx, gokuai.GetMembersRequest{OrgID: int64(lib.OrgID), Start: 1, Size: 1})
			require.NoError(t, err)
			assert.Equal(t, gokuai.Int(2), page.Count)
			require.Len(t, page.List, 1)
			assert.Equal(t, gokuai.Int(3), page.List[0].MemberID)
		}},
		{"set_member_role", func(t *testing.T) {
			require.NoError(t, c.SetMemberRole(ctx, gokuai.MembersRequest{OrgID: int64(lib.OrgID), MemberIDs: []int64{3}, RoleID: gokuaiemu.RoleViewer}))
		}},
		{"get_member", func(t *testing.T) {
			got, err := c.GetMember(ctx, gokuai.GetMemberRequest{OrgID: int64(lib.OrgID), IDs: []string{"bob", "alice"}, Type: gokuai.IDTypeOutID})
			require.NoError(t, err)
			require.Len(t, got, 1, "alice is not a member of this library")
			assert.Equal(t, gokuai.Int(gokuaiemu.RoleViewer), got["bob"].RoleID)
			got, err = c.GetMember(ctx, gokuai.GetMemberRequest{OrgID: int64(lib.OrgID), IDs: []string{"1"}, Type: gokuai.IDTypeMemberID})
			require.NoError(t, err)
			assert.Equal(t, gokuai.Text("dev-user"), got["1"].Account)
		}},
		{"set_owner", func(t *testing.T) {
			require.NoError(t, c.SetOwner(ctx, gokuai.SetOwnerRequest{OrgID: int64(lib.OrgID), MemberID: 1}))
			require.NoError(t, c.SetOwner(ctx, gokuai.SetOwnerRequest{OrgID: int64(lib.OrgID), MemberID: 2, FormerOwnerRoleID: gokuaiemu.RoleUploader}))
			l, err := c.Info(ctx, gokuai.LibraryRef{OrgID: int64(lib.OrgID)})
			require.NoError(t, err)
			assert.Equal(t, gokuai.Int(2), l.OwnerID)
			got, err := c.GetMember(ctx, gokuai.GetMemberRequest{OrgID: int64(lib.OrgID), IDs: []string{"dev-user", "alice"}, Type: gokuai.IDTypeAccount})
			require.NoError(t, err)
			assert.Equal(t, gokuai.Int(gokuaiemu.RoleUploader), got["dev-user"].RoleID, "the former owner took role_id")
			assert.Equal(t, gokuai.Int(gokuaiemu.RoleOwner), got["alice"].RoleID)
			requireCode(t, c.DelMember(ctx, gokuai.MembersRequest{OrgID: int64(lib.OrgID), MemberIDs: []int64{2}}), gokuai.CodeOwnerNotRemovable)
		}},
		{"del_member", func(t *testing.T) {
			require.NoError(t, c.DelMember(ctx, gokuai.MembersRequest{OrgID: int64(lib.OrgID), MemberIDs: []int64{3}}))
			got, err := c.GetMembers(ctx, gokuai.GetMembersRequest{OrgID: int64(lib.OrgID)})
			require.NoError(t, err)
			assert.Equal(t, gokuai.Int(2), got.Count)
			requireCode(t, c.DelMember(ctx, gokuai.MembersRequest{OrgID: int64(lib.OrgID), MemberIDs: []int64{3}}), gokuai.CodeMemberNotFound)
		}},
		{"add_group", func(t *testing.T) {
			require.NoError(t, c.AddGroup(ctx, gokuai.GroupRequest{OrgID: int64(lib.OrgID), GroupID: 1, RoleID: gokuaiemu.RoleEditor}))
			requireCode(t, c.AddGroup(ctx, gokuai.GroupRequest{OrgID: int64(lib.OrgID), GroupID: 9, RoleID: gokuaiemu.RoleEditor}), gokuai.CodeGroupNotFound)
			requireCode(t, c.AddGroup(ctx, gokuai.GroupRequest{OrgID: int64(lib.OrgID), GroupID: 1, RoleID: 99}), gokuai.CodeRoleNotFound)
		}},
		{"set_group_role", func(t *testing.T) {
			require.NoError(t, c.SetGroupRole(ctx, gokuai.GroupRequest{OrgID: int64(lib.OrgID), GroupID: 1, RoleID: gokuaiemu.RoleViewer}))
		}},
		{"get_groups", func(t *testing.T) {
			got, err := c.GetGroups(ctx, int64(lib.OrgID))
			require.NoError(t, err)
			assert.Equal(t, gokuai.GroupList{{ID: 1, Name: "dev", RoleID: gokuaiemu.RoleViewer}}, got)
		}},
		{"del_group", func(t *testing.T) {
			require.NoError(t, c.DelGroup(ctx, gokuai.GroupRequest{OrgID: int64(lib.OrgID), GroupID: 1}))
			got, err := c.GetGroups(ctx, int64(lib.OrgID))
			require.NoError(t, err)
			assert.Empty(t, got)
			requireCode(t, c.SetGroupRole(ctx, gokuai.GroupRequest{OrgID: int64(lib.OrgID), GroupID: 1, RoleID: 2}), gokuai.CodeGroupNotFound)
		}},
		{"bind", func(t *testing.T) {
			var err error
			bind, err = c.Bind(ctx, gokuai.BindRequest{LibraryRef: gokuai.LibraryRef{OrgID: int64(lib.OrgID)}, Title: "ferry"})
			require.NoError(t, err)
			assert.NotEmpty(t, bind.OrgClientID)
			assert.NotEmpty(t, bind.OrgClientSecret)
			again, err := c.Bind(ctx, gokuai.BindRequest{LibraryRef: gokuai.LibraryRef{MountID: int64(lib.MountID)}, Title: "ferry"})
			require.NoError(t, err)
			assert.Equal(t, *bind, *again, "one credential per client and library")
			lc := e.client(string(bind.OrgClientID), string(bind.OrgClientSecret), true)
			l, err := lc.Info(ctx, gokuai.LibraryRef{OrgID: int64(lib.OrgID)})
			require.NoError(t, err, "the library credential reads its library")
			assert.Equal(t, lib.OrgID, l.OrgID)
		}},
		{"unbind", func(t *testing.T) {
			require.NoError(t, c.Unbind(ctx, string(bind.OrgClientID)))
			lc := e.client(string(bind.OrgClientID), string(bind.OrgClientSecret), true)
			_, err := lc.Info(ctx, gokuai.LibraryRef{OrgID: int64(lib.OrgID)})
			requireCode(t, err, gokuai.CodeInvalidClient)
			requireCode(t, c.Unbind(ctx, string(bind.OrgClientID)), gokuai.CodeBindingNotFound)
			fresh, err := c.Bind(ctx, gokuai.BindRequest{LibraryRef: gokuai.LibraryRef{OrgID: int64(lib.OrgID)}})
			require.NoError(t, err)
			assert.NotEqual(t, bind.OrgClientID, fresh.OrgClientID, "a new credential after unbind")
			bind = fresh
		}},
		{"log", func(t *testing.T) {
			page, err := c.Log(ctx, gokuai.LogRequest{LibraryRef: gokuai.LibraryRef{OrgID: int64(lib.OrgID)}, Ascending: true})
			require.NoError(t, err)
			var names []string
			for _, en := range page.List {
				names = append(names, string(en.ActName))
				assert.Equal(t, gokuai.Text(gokuaiemu.DevClientID), en.MemberName)
				assert.Equal(t, gokuai.Int(e.clock.Now().Unix()), en.Dateline)
			}
			assert.Equal(t, "org/create org/set org/set org/add_member org/set_member_role org/set_owner org/set_owner "+
				"org/del_member org/add_group org/set_group_role org/del_group org/bind org/unbind org/bind", strings.Join(names, " "))
			assert.Equal(t, gokuai.Int(len(names)), page.Total)
			assert.Equal(t, gokuai.Int(gokuai.ActCreate), page.List[0].Act)

			newest, err := c.Log(ctx, gokuai.LogRequest{LibraryRef: gokuai.LibraryRef{MountID: int64(lib.MountID)}, Size: 2})
			require.NoError(t, err)
			require.Len(t, newest.List, 2)
			assert.Equal(t, gokuai.Text("org/bind"), newest.List[0].ActName, "newest first by default")
			assert.Equal(t, page.Total, newest.Total)

			creates, err := c.Log(ctx, gokuai.LogRequest{Acts: []int{gokuai.ActCreate}})
			require.NoError(t, err)
			assert.Equal(t, gokuai.Int(2), creates.Total, "enterprise-wide: create and alice's personal library")
			none, err := c.Log(ctx, gokuai.LogRequest{StartDateline: e.clock.Now().Unix() + 1})
			require.NoError(t, err)
			assert.Zero(t, none.Total)
			none, err = c.Log(ctx, gokuai.LogRequest{EndDateline: e.clock.Now().Unix()})
			require.NoError(t, err)
			assert.Zero(t, none.Total, "end_dateline is exclusive")
		}},
		{"destroy", func(t *testing.T) {
			require.NoError(t, c.Destroy(ctx, gokuai.DestroyRequest{OrgClientID: string(bind.OrgClientID)}))
			_, err := c.Info(ctx, gokuai.LibraryRef{OrgID: int64(lib.OrgID)})
			requireCode(t, err, gokuai.CodeLibraryNotFound)
			l, err := c.InfoByMember(ctx, gokuai.MemberRef{OutID: "alice"})
			require.NoError(t, err)
			require.NoError(t, c.Destroy(ctx, gokuai.DestroyRequest{OrgID: int64(l.OrgID)}))
			l, err = c.InfoByMember(ctx, gokuai.MemberRef{OutID: "alice"})
			require.NoError(t, err)
			assert.False(t, l.Initialized(), "a destroyed personal library is uninitialised again")
			deleted, err := c.Log(ctx, gokuai.LogRequest{Acts: []int{gokuai.ActDelete}})
			require.NoError(t, err)
			assert.Equal(t, gokuai.Int(2), deleted.Total, "the log outlives the libraries")
		}},
	}
	for _, s := range steps {
		if !t.Run(s.op, s.run) {
			t.FailNow() // later steps build on this one
		}
	}
	stats := e.stats()
	var ops []string
	for _, s := range steps {
		ops = append(ops, s.op)
		assert.NotZero(t, stats["POST /m-open/1/org/"+s.op]["200"], "%s answered 200", s.op)
	}
	assert.Len(t, ops, 21)
	for route := range stats {
		op := strings.TrimPrefix(route, "POST /m-open/1/org/")
		assert.Contains(t, ops, op, "a step for every route the test used")
	}
}
