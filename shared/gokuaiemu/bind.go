package gokuaiemu

import (
	"net/http"

	"github.com/ferry-upload/ferry/shared/emukit"
	"github.com/ferry-upload/ferry/shared/gokuai"
)

// bind answers the library credential of this enterprise client for a library, creating
// it on the first call (the seed: one per client_id and library, the same on every call).
func (e *Emulator) bind(c *call) error {
	if err := c.enterpriseOnly(); err != nil {
		return err
	}
	var b *binding
	err := e.kit.Update(func() error {
		l, err := e.library(c)
		if err != nil {
			return err
		}
		for _, x := range e.st.Bindings {
			if x.OrgID == l.OrgID && x.ClientID == c.actor {
				b = x
				return nil
			}
		}
		b = &binding{OrgClientID: emukit.RandomAlnum(22), Secret: emukit.RandomAlnum(22), OrgID: l.OrgID,
			ClientID: c.actor, Title: c.str("title")}
		e.st.Bindings[b.OrgClientID] = b
		e.record(c, l, gokuai.ActEdit, "bind")
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"org_client_id": b.OrgClientID, "org_client_secret": b.Secret})
}

// unbind revokes a library credential this enterprise client was given: calls signed with
// it are refused from now on.
func (e *Emulator) unbind(c *call) error {
	if err := c.enterpriseOnly(); err != nil {
		return err
	}
	id := c.str("org_client_id")
	if id == "" {
		return errInvalidParameter.With("org_client_id is required")
	}
	err := e.kit.Update(func() error {
		b := e.st.Bindings[id]
		if b == nil || b.ClientID != c.actor {
			return errBindingNotFound
		}
		delete(e.st.Bindings, id)
		if l := e.st.Libraries[b.OrgID]; l != nil {
			e.record(c, l, gokuai.ActEdit, "unbind")
		}
		return nil
	})
	if err != nil {
		return err
	}
	return statusOK(c.Call)
}
