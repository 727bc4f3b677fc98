package smhemu

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

type listing struct {
	Path        []string    `json:"path"`
	FileCount   int         `json:"fileCount"`
	SubDirCount int         `json:"subDirCount"`
	TotalNum    int         `json:"totalNum"`
	NextMarker  string      `json:"nextMarker,omitempty"`
	Contents    []listEntry `json:"contents"`
}

// dirList serves GET /api/v1/directory/{lib}/{space}/{path}: paging by page & page_size
// (default 1 and 20), marker & limit (nextMarker while more remain) or offset & limit;
// order_by name|modificationTime|size|creationTime, order_by_type asc|desc, filter
// onlyDir|onlyFile. Default order: directories first, then by name.
func (e *Emulator) dirList(c *call) error {
	q := c.rt.query
	order, dir, filter := q.Get("order_by"), cmp.Or(q.Get("order_by_type"), "asc"), q.Get("filter")
	if !slices.Contains([]string{"", "name", "modificationTime", "size", "creationTime"}, order) ||
		!slices.Contains([]string{"asc", "desc"}, dir) || !slices.Contains([]string{"", "onlyDir", "onlyFile"}, filter) {
		return ErrInvalidParameter.With("order_by, order_by_type or filter has an unknown value")
	}
	var ans listing
	var entries []child
	err := e.kit.UpdateEntries(func() error { // reads; the token slides
		_, sp, err := e.authSpaceLocked(c)
		if err != nil {
			return err
		}
		if !sp.isDir(c.rt.path) {
			return ErrDirectoryNotFound
		}
		for _, ch := range sp.children(c.rt.path) {
			if ch.node.isDir() {
				ans.SubDirCount++
			} else {
				ans.FileCount++
			}
			if filter == "onlyDir" && !ch.node.isDir() || filter == "onlyFile" && ch.node.isDir() {
				continue
			}
			entries = append(entries, ch)
		}
		sortEntries(entries, order, dir == "desc")
		ans.Path = slices.Clone(c.rt.path)
		if ans.Path == nil {
			ans.Path = []string{}
		}
		ans.TotalNum = len(entries)
		from, to, next, err := pageBounds(q, len(entries))
		if err != nil {
			return err
		}
		ans.NextMarker = next
		ans.Contents = []listEntry{}
		for _, ch := range entries[from:to] {
			ans.Contents = append(ans.Contents, newListEntry(ch))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, ans)
}

func sortEntries(entries []child, order string, desc bool) {
	if order == "" || order == "name" && !desc {
		return // already directories first, then by name
	}
	slices.SortStableFunc(entries, func(a, b child) int {
		var r int
		switch order {
		case "name":
			r = strings.Compare(a.name, b.name)
		case "modificationTime":
			r = a.node.Modified.Compare(b.node.Modified)
		case "creationTime":
			r = a.node.Created.Compare(b.node.Created)
		case "size":
			r = cmp.Compare(sizeOf(a.node), sizeOf(b.node))
		}
		if desc {
			r = -r
		}
		return r
	})
}

func sizeOf(n *node) int64 {
	if n.File == nil {
		return 0
	}
	return n.File.Size
}

// pageBounds picks the slice of a listing a request asks for.
func pageBounds(q map[string][]string, total int) (from, to int, next string, err error) {
	get := func(k string) (int, bool, error) {
		v, ok := q[k]
		if !ok || len(v) == 0 || v[0] == "" {
			return 0, false, nil
		}
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 0 {
			return 0, true, ErrInvalidParameter.With("%s must be a non-negative integer", k)
		}
		return n, true, nil
	}
	page, hasPage, err1 := get("page")
	size, hasSize, err2 := get("page_size")
	limit, hasLimit, err3 := get("limit")
	offset, hasOffset, err4 := get("offset")
	_, hasMarker := q["marker"]
	for _, err := range []error{err1, err2, err3, err4} {
		if err != nil {
			return 0, 0, "", err
		}
	}
	switch {
	case hasMarker || hasLimit && !hasOffset && !hasPage:
		if !hasLimit {
			limit = 50
		}
		if limit < 1 || limit > 1000 {
			return 0, 0, "", ErrInvalidParameter.With("limit must be within 1..1000")
		}
		if m := q["marker"]; len(m) > 0 && m[0] != "" {
			if from, err = strconv.Atoi(m[0]); err != nil || from < 0 || from > total {
				return 0, 0, "", ErrInvalidParameter.With("marker is not one this listing handed out")
			}
		}
		to = min(from+limit, total)
		if to < total {
			next = strconv.Itoa(to)
		}
		return from, to, next, nil
	case hasOffset:
		if !hasLimit {
			limit = 20
		}
		if limit < 1 || limit > 1000 {
			return 0, 0, "", ErrInvalidParameter.With("limit must be within 1..1000")
		}
		from = min(offset, total)
		return from, min(from+limit, total), "", nil
	}
	if !hasPage {
		page = 1
	}
	if !hasSize {
		size = 20
	}
	if page < 1 || size < 1 || size > 1000 {
		return 0, 0, "", ErrInvalidParameter.With("page must be at least 1 and page_size within 1..1000")
	}
	from = min((page-1)*size, total)
	return from, min(from+size, total), "", nil
}
