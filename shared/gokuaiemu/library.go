package gokuaiemu

import (
	"net/http"
	"strings"

	"github.com/ferry-upload/ferry/shared/gokuai"
)

// libraryInfo is info's description of a library; listEntry is search's and ls's.
type libraryInfo struct {
	OrgID        int64  `json:"org_id"`
	OrgName      string `json:"org_name"`
	OrgLogoURL   string `json:"org_logo_url"`
	SizeOrgTotal int64  `json:"size_org_total"`
	SizeOrgUse   int64  `json:"size_org_use"`
	FileCount    int64  `json:"file_count"`
	DirCount     int64  `json:"dir_count"`
	MountID      int64  `json:"mount_id"`
	OwnerID      int64  `json:"owner_id"`
}

type listEntry struct {
	OrgID        int64  `json:"org_id"`
	OrgName      string `json:"org_name"`
	OrgLogoURL   string `json:"org_logo_url"`
	SizeOrgTotal int64  `json:"size_org_total"`
	SizeOrgUse   int64  `json:"size_org_use"`
	MountID      int64  `json:"mount_id"`
	OwnerID      int64  `json:"owner_id"`
}

func (l *library) info() libraryInfo {
	use, files, dirs := l.usage()
	return libraryInfo{OrgID: l.OrgID, OrgName: l.Name, OrgLogoURL: l.Logo, SizeOrgTotal: l.Capacity,
		SizeOrgUse: use, FileCount: files, DirCount: dirs, MountID: l.MountID, OwnerID: l.OwnerID}
}

func (l *library) listEntry() listEntry {
	use, _, _ := l.usage()
	return listEntry{OrgID: l.OrgID, OrgName: l.Name, OrgLogoURL: l.Logo, SizeOrgTotal: l.Capacity,
		SizeOrgUse: use, MountID: l.MountID, OwnerID: l.OwnerID}
}

// library resolves the library a call names by org_id and/or mount_id, with the state
// locked. Both given must name the same library. A library credential reaches its own
// library only (naming none means its own); naming any other is Forbidden before any
// lookup, so it learns nothing about other libraries.
func (e *Emulator) library(c *call, key ...string) (*library, error) {
	keys := key
	if len(keys) == 0 {
		keys = []string{"org_id", "mount_id"}
	}
	var org, mount int64
	for _, k := range keys {
		v, ierr := c.int(k, 0)
		if ierr != nil {
			return nil, ierr
		}
		if k == "org_id" {
			org = v
		} else {
			mount = v
		}
	}
	if c.lib != nil {
		own := e.st.Libraries[c.lib.OrgID]
		if own == nil || org != 0 && org != own.OrgID || mount != 0 && mount != own.MountID {
			return nil, errForbidden.With("a library credential reaches its own library only")
		}
		return own, nil
	}
	if org == 0 && mount == 0 {
		return nil, errInvalidParameter.With("%s is required", strings.Join(keys, " or "))
	}
	var l *library
	if org != 0 {
		l = e.st.Libraries[org]
	}
	if mount != 0 {
		m := e.st.byMount(mount)
		if org != 0 && m != l {
			return nil, errInvalidParameter.With("org_id and mount_id name different libraries")
		}
		l = m
	}
	if l == nil {
		return nil, errLibraryNotFound
	}
	return l, nil
}

// capacity reads a capacity parameter: "" or -1 is unlimited.
func capacity(c *call, k string) (int64, error) {
	v, err := c.int(k, -1)
	if err != nil || v < -1 {
		return 0, errInvalidParameter.With("%s must be a number of bytes, or -1 or empty for no limit", k)
	}
	return v, nil
}

func (e *Emulator) create(c *call) error {
	if err := c.enterpriseOnly(); err != nil {
		return err
	}
	name := c.str("org_name")
	if name == "" {
		return errInvalidParameter.With("org_name is required")
	}
	capa, err := capacity(c, "org_capacity")
	if err != nil {
		return err
	}
	var out map[string]int64
	err = e.kit.Update(func() error {
		l := e.st.newLibrary(name, capa)
		l.Logo, l.StoragePoint = c.str("org_logo"), c.str("storage_point_name")
		e.record(c, l, gokuai.ActCreate, "create")
		out = map[string]int64{"org_id": l.OrgID, "mount_id": l.MountID}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (e *Emulator) set(c *call) error {
	if err := c.enterpriseOnly(); err != nil {
		return err
	}
	if c.has("org_name") && c.str("org_name") == "" {
		return errInvalidParameter.With("org_name cannot be empty")
	}
	var capa int64
	if c.has("org_capacity") {
		var err error
		if capa, err = capacity(c, "org_capacity"); err != nil {
			return err
		}
	}
	err := e.kit.Update(func() error {
		l, err := e.library(c)
		if err != nil {
			return err
		}
		if c.has("org_name") {
			l.Name = c.str("org_name")
		}
		if c.has("org_logo") {
			l.Logo = c.str("org_logo")
		}
		if c.has("org_capacity") {
			l.Capacity = capa
		}
		e.record(c, l, gokuai.ActEdit, "set")
		return nil
	})
	if err != nil {
		return err
	}
	return statusOK(c.Call)
}

func (e *Emulator) info(c *call) error {
	e.kit.Lock()
	l, err := e.library(c)
	var out libraryInfo
	if err == nil {
		out = l.info()
	}
	e.kit.Unlock()
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"info": out})
}

// listSize reads a page size: def when absent, 1..max.
func listSize(c *call, k string, def, max int64) (int64, error) {
	n, err := c.int(k, def)
	if err != nil || n < 1 || n > max {
		return 0, errInvalidParameter.With("%s must be 1 to %d", k, max)
	}
	return n, nil
}

func (e *Emulator) search(c *call) error {
	if err := c.enterpriseOnly(); err != nil {
		return err
	}
	name, prefix := c.str("name"), c.str("prefix")
	if (name == "") == (prefix == "") {
		return errInvalidParameter.With("one of name and prefix is required")
	}
	size, err := listSize(c, "size", 10, 1000)
	if err != nil {
		return err
	}
	out := []listEntry{}
	e.kit.Lock()
	for _, l := range e.st.sortedLibraries() {
		if int64(len(out)) < size && (name != "" && l.Name == name || prefix != "" && strings.HasPrefix(l.Name, prefix)) {
			out = append(out, l.listEntry())
		}
	}
	e.kit.Unlock()
	return c.JSON(http.StatusOK, map[string]any{"list": out})
}

func (e *Emulator) list(c *call) error {
	if err := c.enterpriseOnly(); err != nil {
		return err
	}
	typ, err := c.int("type", 0)
	if err != nil || typ < 0 || typ > 2 {
		return errInvalidParameter.With("type must be 0, 1 or 2")
	}
	member, err := c.int("member_id", 0)
	if err != nil {
		return err
	}
	if member != 0 && e.member(member) == nil {
		return errMemberNotFound
	}
	out := []listEntry{}
	e.kit.Lock()
	for _, l := range e.st.sortedLibraries() {
		personal := l.PersonalOf != 0
		_, in := l.Members[member]
		if (typ == 0 || typ == 1 && !personal || typ == 2 && personal) && (member == 0 || in || l.OwnerID == member) {
			out = append(out, l.listEntry())
		}
	}
	e.kit.Unlock()
	return c.JSON(http.StatusOK, map[string]any{"list": out})
}

// destroyOp deletes a library named by org_id or by one of its credentials (both given
// must agree: a credential of one library cannot be used to name another).
func (e *Emulator) destroyOp(c *call) error {
	if err := c.enterpriseOnly(); err != nil {
		return err
	}
	org, err := c.int("org_id", 0)
	if err != nil {
		return err
	}
	cred := c.str("org_client_id")
	if org == 0 && cred == "" {
		return errInvalidParameter.With("org_id or org_client_id is required")
	}
	err = e.kit.Update(func() error {
		if cred != "" {
			b := e.st.Bindings[cred]
			if b == nil || b.ClientID != c.actor {
				return errBindingNotFound
			}
			if org != 0 && org != b.OrgID {
				return errInvalidParameter.With("org_id and org_client_id name different libraries")
			}
			org = b.OrgID
		}
		l := e.st.Libraries[org]
		if l == nil {
			return errLibraryNotFound
		}
		e.st.destroy(l, e.kit)
		e.record(c, l, gokuai.ActDelete, "destroy")
		return nil
	})
	if err != nil {
		return err
	}
	return statusOK(c.Call)
}
