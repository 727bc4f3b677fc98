package smhemu

import (
	"cmp"
	"maps"
	"net/http"
	"slices"
	"strconv"
)

// spaceLibLocked authenticates a space operation: the library must be multi-tenant and
// the token carry one of the grants.
func (e *Emulator) spaceLibLocked(c *call, grants []string, what string) (*token, Library, error) {
	t, err := e.authLocked(c)
	if err != nil {
		return nil, Library{}, err
	}
	lib := e.libs[c.rt.lib]
	if !lib.MultiTenant {
		return nil, lib, ErrNotMultiSpaceLibrary
	}
	return t, lib, t.require(grants, what)
}

// spaceCreate serves POST /api/v1/space/{lib} (admin or create_space): 201 {"spaceId"}.
// The body may set isMultiAlbum (default: the library's mode); other fields are accepted.
func (e *Emulator) spaceCreate(c *call) error {
	var body struct {
		IsMultiAlbum *bool `json:"isMultiAlbum"`
	}
	if _, err := c.readJSON(&body, false); err != nil {
		return err
	}
	var id string
	err := e.kit.Update(func() error {
		t, lib, err := e.spaceLibLocked(c, grantsNewSpace, "create space")
		if err != nil {
			return err
		}
		sp := &space{ID: newSpaceID(), UserID: cmp.Or(c.rt.query.Get("user_id"), t.UserID), Created: e.now(),
			MultiAlbum: lib.MultiAlbum, Nodes: map[string]*node{}}
		if body.IsMultiAlbum != nil {
			sp.MultiAlbum = *body.IsMultiAlbum
		}
		e.st.Libraries[lib.ID].Spaces[sp.ID] = sp
		id = sp.ID
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, map[string]string{"spaceId": id})
}

type spaceEntry struct {
	SpaceID      string `json:"spaceId"`
	UserID       string `json:"userId"`
	CreationTime string `json:"creationTime"`
	IsMultiAlbum bool   `json:"isMultiAlbum"`
}

// spaceList serves GET /api/v1/space/{lib}/list?marker=&limit= (admin, create_space or
// delete_space), ordered by space id.
func (e *Emulator) spaceList(c *call) error {
	q := c.rt.query
	limit := 1000
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return ErrInvalidParameter.With("limit must be within 1..1000")
		}
		limit = n
	}
	ans := struct {
		List       []spaceEntry `json:"list"`
		Marker     string       `json:"marker,omitempty"`
		NextMarker string       `json:"nextMarker,omitempty"`
	}{List: []spaceEntry{}, Marker: q.Get("marker")}
	err := e.kit.Update(func() error {
		_, lib, err := e.spaceLibLocked(c, grantsSpaces, "list spaces")
		if err != nil {
			return err
		}
		spaces := e.st.Libraries[lib.ID].Spaces
		ids := slices.Sorted(maps.Keys(spaces))
		for _, id := range ids {
			if ans.Marker != "" && id <= ans.Marker {
				continue
			}
			if len(ans.List) == limit {
				ans.NextMarker = ans.List[len(ans.List)-1].SpaceID
				break
			}
			sp := spaces[id]
			ans.List = append(ans.List, spaceEntry{SpaceID: id, UserID: sp.UserID, CreationTime: isoTime(sp.Created), IsMultiAlbum: sp.MultiAlbum})
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, ans)
}

// spaceDelete serves DELETE /api/v1/space/{lib}/{space} (admin or delete_space): the
// space, its files and its open upload tasks go (204).
func (e *Emulator) spaceDelete(c *call) error {
	err := e.kit.Update(func() error {
		t, lib, err := e.spaceLibLocked(c, grantsRmSpace, "delete space")
		if err != nil {
			return err
		}
		sp, err := e.spaceFor(t, lib.ID, c.rt.space)
		if err != nil {
			return err
		}
		e.kit.Release(sp.removeTreeAll()...)
		for _, u := range e.st.Uploads {
			if u.Library == lib.ID && u.Space == sp.ID {
				e.dropTaskLocked(u)
				for _, p := range u.Parts {
					e.kit.Release(p.Blob)
				}
			}
		}
		delete(e.st.Libraries[lib.ID].Spaces, sp.ID)
		return nil
	})
	if err != nil {
		return err
	}
	return c.empty(http.StatusNoContent)
}
