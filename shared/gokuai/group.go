package gokuai

import "context"

// GetGroups lists the departments on a library.
func (c *Client) GetGroups(ctx context.Context, orgID int64) (GroupList, error) {
	if err := requireOrg("get_groups", orgID); err != nil {
		return nil, err
	}
	p := Params{}
	p.setInt("org_id", orgID)
	var out GroupList
	if err := c.Call(ctx, "get_groups", PathGetGroups, p, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// GroupRequest is the parameters of add_group, set_group_role and del_group (which takes
// no role).
type GroupRequest struct {
	OrgID   int64
	GroupID int64
	RoleID  int64
}

func (r GroupRequest) params(op string, withRole bool) (Params, error) {
	if err := requireOrg(op, r.OrgID); err != nil {
		return nil, err
	}
	if r.GroupID == 0 || withRole && r.RoleID == 0 {
		return nil, invalid("%s: group_id and role_id are required", op)
	}
	p := Params{}
	p.setInt("org_id", r.OrgID)
	p.setInt("group_id", r.GroupID)
	if withRole {
		p.setInt("role_id", r.RoleID)
	}
	return p, nil
}

// AddGroup adds a department to a library with a role.
func (c *Client) AddGroup(ctx context.Context, r GroupRequest) error {
	p, err := r.params("add_group", true)
	if err != nil {
		return err
	}
	return c.Call(ctx, "add_group", PathAddGroup, p, nil)
}

// DelGroup removes a department from a library (RoleID is not used).
func (c *Client) DelGroup(ctx context.Context, r GroupRequest) error {
	p, err := r.params("del_group", false)
	if err != nil {
		return err
	}
	return c.Call(ctx, "del_group", PathDelGroup, p, nil)
}

// SetGroupRole changes a department's role on a library.
func (c *Client) SetGroupRole(ctx context.Context, r GroupRequest) error {
	p, err := r.params("set_group_role", true)
	if err != nil {
		return err
	}
	return c.Call(ctx, "set_group_role", PathSetGroupRole, p, nil)
}
