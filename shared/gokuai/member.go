package gokuai

import (
	"context"
	"strconv"
	"strings"
)

// MemberRef names an enterprise member by exactly one of its identifiers.
type MemberRef struct {
	MemberID int64
	OutID    string // the member's id in the host application (Ferry: the JWT sub)
	Account  string
	Email    string
}

func (m MemberRef) put(op string, p Params) error {
	n := 0
	for _, set := range []bool{m.MemberID != 0, m.OutID != "", m.Account != "", m.Email != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return invalid("%s: exactly one of member_id, out_id, account, email is required", op)
	}
	p.setInt("member_id", m.MemberID)
	p.setStr("out_id", m.OutID)
	p.setStr("account", m.Account)
	p.setStr("email", m.Email)
	return nil
}

// InfoByMember describes a member's personal library; when it is not initialised yet
// (Library.Initialized is false) only SizeOrgTotal is set.
func (c *Client) InfoByMember(ctx context.Context, m MemberRef) (*Library, error) {
	p := Params{}
	if err := m.put("info_by_member", p); err != nil {
		return nil, err
	}
	var out infoAnswer
	if err := c.Call(ctx, "info_by_member", PathInfoByMember, p, &out); err != nil {
		return nil, err
	}
	return &out.Info, nil
}

// SetByMemberRequest is set_by_member's parameters.
type SetByMemberRequest struct {
	MemberRef
	Capacity *int64 // bytes; Unlimited for no limit; nil leaves it as it is
}

// SetByMember sets up a member's personal library (initialising it when needed).
func (c *Client) SetByMember(ctx context.Context, r SetByMemberRequest) error {
	p := Params{}
	if err := r.put("set_by_member", p); err != nil {
		return err
	}
	if r.Capacity != nil {
		p["capacity"] = strconv.FormatInt(*r.Capacity, 10)
	}
	return c.Call(ctx, "set_by_member", PathSetByMember, p, nil)
}

// GetMembersRequest is get_members' parameters.
type GetMembersRequest struct {
	OrgID int64
	Start int
	Size  int // default 20
}

// GetMembers lists a page of a library's members.
func (c *Client) GetMembers(ctx context.Context, r GetMembersRequest) (*MemberList, error) {
	if err := requireOrg("get_members", r.OrgID); err != nil {
		return nil, err
	}
	p := Params{}
	p.setInt("org_id", r.OrgID)
	p.setInt("start", int64(r.Start))
	p.setInt("size", int64(r.Size))
	var out MemberList
	if err := c.Call(ctx, "get_members", PathGetMembers, p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Member id types of get_member.
const (
	IDTypeAccount  = "account"
	IDTypeOutID    = "out_id"
	IDTypeMemberID = "member_id"
)

// GetMemberRequest is get_member's parameters.
type GetMemberRequest struct {
	OrgID int64
	IDs   []string // of Type; none may contain a comma
	Type  string   // IDType*
}

// GetMember looks members of a library up; the answer is keyed by the ids asked for.
func (c *Client) GetMember(ctx context.Context, r GetMemberRequest) (map[string]Member, error) {
	if err := requireOrg("get_member", r.OrgID); err != nil {
		return nil, err
	}
	if len(r.IDs) == 0 || r.Type == "" {
		return nil, invalid("get_member: ids and type are required")
	}
	for _, id := range r.IDs {
		if id == "" || strings.Contains(id, ",") {
			return nil, invalid("get_member: an id is empty or holds a comma")
		}
	}
	p := Params{"ids": strings.Join(r.IDs, ","), "type": r.Type}
	p.setInt("org_id", r.OrgID)
	out := map[string]Member{}
	if err := c.Call(ctx, "get_member", PathGetMember, p, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// SetOwnerRequest is set_owner's parameters.
type SetOwnerRequest struct {
	OrgID    int64
	MemberID int64 // the new owner
	// FormerOwnerRoleID is the former owner's role from now on; 0 removes the former
	// owner from the library.
	FormerOwnerRoleID int64
}

// SetOwner gives a library a new owner.
func (c *Client) SetOwner(ctx context.Context, r SetOwnerRequest) error {
	if err := requireOrg("set_owner", r.OrgID); err != nil {
		return err
	}
	if r.MemberID == 0 {
		return invalid("set_owner: member_id is required")
	}
	p := Params{}
	p.setInt("org_id", r.OrgID)
	p.setInt("member_id", r.MemberID)
	p.setInt("role_id", r.FormerOwnerRoleID)
	return c.Call(ctx, "set_owner", PathSetOwner, p, nil)
}

// MembersRequest is the parameters of add_member, set_member_role and del_member (which
// takes no role).
type MembersRequest struct {
	OrgID     int64
	MemberIDs []int64
	RoleID    int64
}

func (r MembersRequest) params(op string, withRole bool) (Params, error) {
	if err := requireOrg(op, r.OrgID); err != nil {
		return nil, err
	}
	if len(r.MemberIDs) == 0 {
		return nil, invalid("%s: member_ids is required", op)
	}
	if withRole && r.RoleID == 0 {
		return nil, invalid("%s: role_id is required", op)
	}
	p := Params{"member_ids": joinInts(r.MemberIDs)}
	p.setInt("org_id", r.OrgID)
	if withRole {
		p.setInt("role_id", r.RoleID)
	}
	return p, nil
}

// AddMember adds enterprise members to a library with a role.
func (c *Client) AddMember(ctx context.Context, r MembersRequest) error {
	p, err := r.params("add_member", true)
	if err != nil {
		return err
	}
	return c.Call(ctx, "add_member", PathAddMember, p, nil)
}

// SetMemberRole changes library members' role.
func (c *Client) SetMemberRole(ctx context.Context, r MembersRequest) error {
	p, err := r.params("set_member_role", true)
	if err != nil {
		return err
	}
	return c.Call(ctx, "set_member_role", PathSetMemberRole, p, nil)
}

// DelMember removes members from a library (RoleID is not used).
func (c *Client) DelMember(ctx context.Context, r MembersRequest) error {
	p, err := r.params("del_member", false)
	if err != nil {
		return err
	}
	return c.Call(ctx, "del_member", PathDelMember, p, nil)
}
