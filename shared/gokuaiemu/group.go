package gokuaiemu

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/ferry-upload/ferry/shared/gokuai"
)

func (e *Emulator) group(id int64) *Group {
	for i := range e.opts.Groups {
		if e.opts.Groups[i].ID == id {
			return &e.opts.Groups[i]
		}
	}
	return nil
}

type groupOut struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	RoleID int64  `json:"role_id"`
}

// getGroups answers the departments on a library as a bare JSON array (the seed draws
// a list of objects without a key).
func (e *Emulator) getGroups(c *call) error {
	out := []groupOut{}
	e.kit.Lock()
	l, err := e.library(c, "org_id")
	if err == nil {
		for id, role := range l.Groups {
			out = append(out, groupOut{ID: id, Name: e.group(id).Name, RoleID: role})
		}
	}
	e.kit.Unlock()
	if err != nil {
		return err
	}
	slices.SortFunc(out, func(a, b groupOut) int { return cmp.Compare(a.ID, b.ID) })
	return c.JSON(http.StatusOK, out)
}

// changeGroup runs add_group (which sets the role of a group already there),
// set_group_role and del_group (both refuse a group not on the library).
func (e *Emulator) changeGroup(c *call, op string) error {
	if err := c.enterpriseOnly(); err != nil {
		return err
	}
	id, err := c.id("group_id")
	if err != nil {
		return err
	}
	if e.group(id) == nil {
		return errGroupNotFound
	}
	role, err := e.role(c, "role_id", op != "del_group")
	if err != nil {
		return err
	}
	err = e.kit.Update(func() error {
		l, err := e.library(c, "org_id")
		if err != nil {
			return err
		}
		if _, on := l.Groups[id]; !on && op != "add_group" {
			return errGroupNotFound.With("group %d is not on the library", id)
		}
		if op == "del_group" {
			delete(l.Groups, id)
		} else {
			l.Groups[id] = role
		}
		e.record(c, l, gokuai.ActEdit, op)
		return nil
	})
	if err != nil {
		return err
	}
	return statusOK(c.Call)
}

func (e *Emulator) addGroup(c *call) error     { return e.changeGroup(c, "add_group") }
func (e *Emulator) delGroup(c *call) error     { return e.changeGroup(c, "del_group") }
func (e *Emulator) setGroupRole(c *call) error { return e.changeGroup(c, "set_group_role") }
