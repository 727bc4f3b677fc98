package smhemu

import (
	"net/http"
	"slices"
)

// dirCreate serves PUT /api/v1/directory/{lib}/{space}/{path}: creates the directory and
// any missing parents (201). conflict_resolution_strategy is ask (default: 409 when the
// name exists) or rename; a parent that is a file is a 409 either way.
func (e *Emulator) dirCreate(c *call) error {
	strategy, err := parseStrategy(c.rt.query.Get("conflict_resolution_strategy"), "ask", "ask", "rename")
	if err != nil {
		return err
	}
	var body unsupportedBody
	if _, err := c.readJSON(&body, false); err != nil {
		return err
	}
	if err := body.check(); err != nil {
		return err
	}
	var final []string
	var created *node
	err = e.kit.UpdateEntries(func() error {
		t, sp, err := e.authSpaceLocked(c)
		if err != nil {
			return err
		}
		if err := t.require(grantsMkdir, "create directory"); err != nil {
			return err
		}
		p := c.rt.path
		if len(p) == 0 {
			return ErrEmptyPath.With("the root exists already")
		}
		if err := checkDirPath(e.libs[c.rt.lib], sp, p); err != nil {
			return err
		}
		for i := 1; i < len(p); i++ {
			if n := sp.get(p[:i]); n != nil && !n.isDir() {
				return ErrSameNameExists.With("/%s is a file", pathKey(p[:i]))
			}
		}
		final = slices.Clone(p)
		if sp.get(p) != nil {
			if strategy == "ask" {
				return ErrSameNameExists
			}
			final[len(final)-1] = sp.freeName(p[:len(p)-1], p[len(p)-1])
		}
		now := e.now()
		for i := 1; i <= len(final); i++ {
			if sp.get(final[:i]) == nil {
				sp.Nodes[pathKey(final[:i])] = newNode(now, nil)
				e.touchNodeLocked(c.rt.lib, sp, pathKey(final[:i]))
				if parent := sp.get(final[:i-1]); parent != nil {
					parent.Modified = now
					e.touchNodeLocked(c.rt.lib, sp, pathKey(final[:i-1]))
				}
			}
		}
		created = sp.get(final)
		return nil
	})
	if err != nil {
		return err
	}
	if strategy == "ask" && c.rt.query.Get("with_inode") != "1" {
		return c.empty(http.StatusCreated)
	}
	return c.json(http.StatusCreated, map[string]any{"creationTime": isoTime(created.Created), "path": final})
}

type dirObject struct {
	Path             []string `json:"path"`
	Name             string   `json:"name"`
	Type             string   `json:"type"`
	CreationTime     string   `json:"creationTime"`
	ModificationTime string   `json:"modificationTime"`
}

// dirInfo serves GET …?info of a directory.
func (e *Emulator) dirInfo(c *call) error {
	var ans dirObject
	err := e.kit.UpdateEntries(func() error {
		_, sp, err := e.authSpaceLocked(c)
		if err != nil {
			return err
		}
		p := c.rt.path
		if !sp.isDir(p) {
			return ErrDirectoryNotFound
		}
		ans = dirObject{Path: slices.Clone(p), Type: "dir", CreationTime: isoTime(sp.Created), ModificationTime: isoTime(sp.Created)}
		if ans.Path == nil {
			ans.Path = []string{}
		}
		if n := sp.get(p); n != nil {
			ans.Name, ans.CreationTime, ans.ModificationTime = p[len(p)-1], isoTime(n.Created), isoTime(n.Modified)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, ans)
}

// dirHead serves HEAD of a directory: 200 or 404.
func (e *Emulator) dirHead(c *call) error {
	err := e.kit.UpdateEntries(func() error {
		_, sp, err := e.authSpaceLocked(c)
		if err == nil && !sp.isDir(c.rt.path) {
			err = ErrDirectoryNotFound
		}
		return err
	})
	if err != nil {
		return err
	}
	return c.empty(http.StatusOK)
}

// dirDelete serves DELETE of a directory and everything in it (204). There is no recycle
// bin: permanent=1 needs delete_directory_permanent, the default delete_directory.
func (e *Emulator) dirDelete(c *call) error {
	grants := grantsRmdir
	if c.rt.query.Get("permanent") == "1" {
		grants = grantsRmdirP
	}
	err := e.kit.Update(func() error {
		t, sp, err := e.authSpaceLocked(c)
		if err != nil {
			return err
		}
		if err := t.require(grants, "delete directory"); err != nil {
			return err
		}
		p := c.rt.path
		if len(p) == 0 {
			return ErrEmptyPath.With("the root cannot be deleted")
		}
		if !sp.isDir(p) {
			return ErrDirectoryNotFound
		}
		e.kit.Release(sp.removeTree(p)...)
		if parent := sp.get(p[:len(p)-1]); parent != nil {
			parent.Modified = e.now()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.empty(http.StatusNoContent)
}
