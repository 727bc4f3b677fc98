package gokuai

// The 21 library operations of seed 001, under BaseURL.
const (
	PathCreate        = "/1/org/create"
	PathSet           = "/1/org/set"
	PathInfo          = "/1/org/info"
	PathSearch        = "/1/org/search"
	PathInfoByMember  = "/1/org/info_by_member"
	PathSetByMember   = "/1/org/set_by_member"
	PathList          = "/1/org/ls"
	PathBind          = "/1/org/bind"
	PathUnbind        = "/1/org/unbind"
	PathGetMembers    = "/1/org/get_members"
	PathGetMember     = "/1/org/get_member"
	PathSetOwner      = "/1/org/set_owner"
	PathAddMember     = "/1/org/add_member"
	PathSetMemberRole = "/1/org/set_member_role"
	PathDelMember     = "/1/org/del_member"
	PathGetGroups     = "/1/org/get_groups"
	PathAddGroup      = "/1/org/add_group"
	PathDelGroup      = "/1/org/del_group"
	PathSetGroupRole  = "/1/org/set_group_role"
	PathDestroy       = "/1/org/destroy"
	PathLog           = "/1/org/log"
)

// Unlimited is the capacity of a library without a limit.
const Unlimited int64 = -1

// LibraryRef names a library by org_id or by mount_id; at least one is needed, except
// by a library credential, which names its own library when it names none.
type LibraryRef struct {
	OrgID   int64
	MountID int64
}

func (r LibraryRef) put(op string, p Params, optional bool) error {
	if r.OrgID == 0 && r.MountID == 0 && !optional {
		return invalid("%s: org_id or mount_id is required", op)
	}
	p.setInt("org_id", r.OrgID)
	p.setInt("mount_id", r.MountID)
	return nil
}

func requireOrg(op string, orgID int64) error {
	if orgID == 0 {
		return invalid("%s: org_id is required", op)
	}
	return nil
}
