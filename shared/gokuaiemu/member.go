package gokuaiemu

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ferry-upload/ferry/shared/gokuai"
)

// member finds an enterprise member by member_id (the directory is configuration, not
// state: no lock needed).
func (e *Emulator) member(id int64) *Member {
	for i := range e.opts.Members {
		if e.opts.Members[i].ID == id {
			return &e.opts.Members[i]
		}
	}
	return nil
}

// memberBy finds the member a call names by exactly one of member_id, out_id, account
// and email.
func (e *Emulator) memberBy(c *call) (*Member, error) {
	var given []string
	for _, k := range []string{"member_id", "out_id", "account", "email"} {
		if c.str(k) != "" {
			given = append(given, k)
		}
	}
	if len(given) != 1 {
		return nil, errInvalidParameter.With("exactly one of member_id, out_id, account, email is required")
	}
	k, v := given[0], c.str(given[0])
	for i := range e.opts.Members {
		m := &e.opts.Members[i]
		if k == "member_id" && strconv.FormatInt(m.ID, 10) == v || k == "out_id" && m.OutID == v ||
			k == "account" && m.Account == v || k == "email" && m.Email == v {
			return m, nil
		}
	}
	return nil, errMemberNotFound
}

func (e *Emulator) role(c *call, k string, required bool) (int64, error) {
	r, err := c.int(k, 0)
	if err != nil {
		return 0, err
	}
	if r == 0 {
		if required {
			return 0, errInvalidParameter.With("%s is required", k)
		}
		return 0, nil
	}
	if !slices.Contains(e.opts.Roles, r) {
		return 0, errRoleNotFound
	}
	return r, nil
}

// memberIDs reads member_ids: a comma-separated list of enterprise members.
func (e *Emulator) memberIDs(c *call) ([]int64, error) {
	s := c.str("member_ids")
	if s == "" {
		return nil, errInvalidParameter.With("member_ids is required")
	}
	var ids []int64
	for _, p := range strings.Split(s, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		if err != nil || id <= 0 {
			return nil, errInvalidParameter.With("member_ids is a comma-separated list of member ids")
		}
		if e.member(id) == nil {
			return nil, errMemberNotFound.With("member %d not found", id)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (e *Emulator) infoByMember(c *call) error {
	if err := c.enterpriseOnly(); err != nil {
		return err
	}
	m, err := e.memberBy(c)
	if err != nil {
		return err
	}
	var out any
	e.kit.Lock()
	if l := e.st.Libraries[e.st.Personal[m.ID]]; l != nil {
		i := l.info()
		out = struct {
			OrgID        int64  `json:"org_id"`
			OrgName      string `json:"org_name"`
			OrgLogoURL   string `json:"org_logo_url"`
			SizeOrgTotal int64  `json:"size_org_total"`
			SizeOrgUse   int64  `json:"size_org_use"`
			FileCount    int64  `json:"file_count"`
			DirCount     int64  `json:"dir_count"`
			MountID      int64  `json:"mount_id"`
		}{i.OrgID, i.OrgName, i.OrgLogoURL, i.SizeOrgTotal, i.SizeOrgUse, i.FileCount, i.DirCount, i.MountID}
	} else {
		out = map[string]int64{"size_org_total": e.opts.PersonalCapacity}
	}
	e.kit.Unlock()
	return c.JSON(http.StatusOK, map[string]any{"info": out})
}

// setByMember sets a member's personal library capacity, creating the library (owned by
// the member) on the first call.
func (e *Emulator) setByMember(c *call) error {
	if err := c.enterpriseOnly(); err != nil {
		return err
	}
	m, err := e.memberBy(c)
	if err != nil {
		return err
	}
	capa := e.opts.PersonalCapacity
	if c.has("capacity") {
		if capa, err = capacity(c, "capacity"); err != nil {
			return err
		}
	}
	err = e.kit.Update(func() error {
		if l := e.st.Libraries[e.st.Personal[m.ID]]; l != nil {
			if c.has("capacity") {
				l.Capacity = capa
			}
			e.record(c, l, gokuai.ActEdit, "set_by_member")
			return nil
		}
		l := e.st.newLibrary(m.Name, capa)
		l.PersonalOf, l.OwnerID, l.Members[m.ID] = m.ID, m.ID, RoleOwner
		e.st.Personal[m.ID] = l.OrgID
		e.record(c, l, gokuai.ActCreate, "set_by_member")
		return nil
	})
	if err != nil {
		return err
	}
	return statusOK(c.Call)
}

// memberOut is a library member as get_members and get_member answer it.
type memberOut struct {
	MemberID    int64  `json:"member_id"`
	OutID       string `json:"out_id"`
	Account     string `json:"account"`
	MemberName  string `json:"member_name"`
	MemberEmail string `json:"member_email"`
	State       int    `json:"state"` // 1: active (the only state the emulator knows)
	RoleID      int64  `json:"role_id"`
}

func (e *Emulator) memberOut(id, role int64) memberOut {
	m := e.member(id)
	return memberOut{MemberID: id, OutID: m.OutID, Account: m.Account, MemberName: m.Name, MemberEmail: m.Email, State: 1, RoleID: role}
}

func (e *Emulator) getMembers(c *call) error {
	start, err := c.int("start", 0)
	if err != nil || start < 0 {
		return errInvalidParameter.With("start must be 0 or more")
	}
	size, err := listSize(c, "size", 20, 1000)
	if err != nil {
		return err
	}
	e.kit.Lock()
	l, err := e.library(c, "org_id")
	var all []memberOut
	if err == nil {
		for id, role := range l.Members {
			all = append(all, e.memberOut(id, role))
		}
	}
	e.kit.Unlock()
	if err != nil {
		return err
	}
	slices.SortFunc(all, func(a, b memberOut) int { return cmp.Compare(a.MemberID, b.MemberID) })
	page := []memberOut{}
	if start < int64(len(all)) {
		page = all[start:min(int64(len(all)), start+size)]
	}
	return c.JSON(http.StatusOK, map[string]any{"list": page, "count": len(all)})
}

// getMember answers the library members among ids, keyed by the id as given; ids that
// name no member of the library are left out.
func (e *Emulator) getMember(c *call) error {
	typ, ids := c.str("type"), c.str("ids")
	if typ != gokuai.IDTypeAccount && typ != gokuai.IDTypeOutID && typ != gokuai.IDTypeMemberID {
		return errInvalidParameter.With("type is account, out_id or member_id")
	}
	if ids == "" {
		return errInvalidParameter.With("ids is required")
	}
	out := map[string]memberOut{}
	e.kit.Lock()
	l, err := e.library(c, "org_id")
	if err == nil {
		for _, id := range strings.Split(ids, ",") {
			for mid, role := range l.Members {
				m := e.member(mid)
				if typ == gokuai.IDTypeAccount && m.Account == id || typ == gokuai.IDTypeOutID && m.OutID == id ||
					typ == gokuai.IDTypeMemberID && strconv.FormatInt(mid, 10) == id {
					out[id] = e.memberOut(mid, role)
				}
			}
		}
	}
	e.kit.Unlock()
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// setOwner makes member_id the owner (role 1); the former owner takes role_id, or leaves
// the library when role_id is absent or empty.
func (e *Emulator) setOwner(c *call) error {
	if err := c.enterpriseOnly(); err != nil {
		return err
	}
	id, err := c.id("member_id")
	if err != nil {
		return err
	}
	if e.member(id) == nil {
		return errMemberNotFound
	}
	role, err := e.role(c, "role_id", false)
	if err != nil {
		return err
	}
	err = e.kit.Update(func() error {
		l, err := e.library(c, "org_id")
		if err != nil {
			return err
		}
		if old := l.OwnerID; old != 0 && old != id {
			if role != 0 {
				l.Members[old] = role
			} else {
				delete(l.Members, old)
			}
		}
		l.OwnerID, l.Members[id] = id, RoleOwner
		e.record(c, l, gokuai.ActEdit, "set_owner")
		return nil
	})
	if err != nil {
		return err
	}
	return statusOK(c.Call)
}

// changeMembers runs add_member, set_member_role and del_member: all ids are checked
// before anything changes.
func (e *Emulator) changeMembers(c *call, op string) error {
	if err := c.enterpriseOnly(); err != nil {
		return err
	}
	ids, err := e.memberIDs(c)
	if err != nil {
		return err
	}
	role, err := e.role(c, "role_id", op != "del_member")
	if err != nil {
		return err
	}
	err = e.kit.Update(func() error {
		l, err := e.library(c, "org_id")
		if err != nil {
			return err
		}
		for _, id := range ids {
			_, in := l.Members[id]
			switch {
			case op != "add_member" && !in:
				return errMemberNotFound.With("member %d is not a member of the library", id)
			case op != "add_member" && id == l.OwnerID:
				return errOwnerNotRemovable
			case op == "add_member" && id == l.OwnerID && role != RoleOwner:
				return errOwnerNotRemovable
			}
		}
		for _, id := range ids {
			if op == "del_member" {
				delete(l.Members, id)
			} else {
				l.Members[id] = role
			}
		}
		e.record(c, l, gokuai.ActEdit, op)
		return nil
	})
	if err != nil {
		return err
	}
	return statusOK(c.Call)
}

func (e *Emulator) addMember(c *call) error     { return e.changeMembers(c, "add_member") }
func (e *Emulator) setMemberRole(c *call) error { return e.changeMembers(c, "set_member_role") }
func (e *Emulator) delMember(c *call) error     { return e.changeMembers(c, "del_member") }
