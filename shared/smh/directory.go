package smh

import (
	"context"
	"path"
	"strconv"
	"strings"

	"github.com/ferry-upload/ferry/shared/urlx"
)

// CreateDirectory creates a directory and any missing parents. A directory that already
// exists is success; a file in the way is SameNameDirectoryOrFileExists.
func (c *Client) CreateDirectory(ctx context.Context, token, space, path string) error {
	u, err := c.url("directory", space, path, urlx.Values{"conflict_resolution_strategy": {ConflictAsk}})
	if err != nil {
		return err
	}
	req := jsonRequest("PUT", u, token, nil)
	_, err = c.call(ctx, "create directory", req, nil)
	if Code(err) != CodeSameNameExists {
		return err
	}
	// Something of that name exists: fine only if it is a directory.
	if ok, herr := c.DirectoryExists(ctx, token, space, path); herr != nil || !ok {
		return err
	}
	return nil
}

// DirectoryExists reports whether a directory exists (HEAD; 404 → false).
func (c *Client) DirectoryExists(ctx context.Context, token, space, path string) (bool, error) {
	u, err := c.url("directory", space, path, nil)
	if err != nil {
		return false, err
	}
	req := jsonRequest("HEAD", u, token, nil)
	_, err = c.call(ctx, "directory exists", req, nil)
	if Status(err) == 404 {
		return false, nil
	}
	return err == nil, err
}

// ListFiles lists up to limit files (no directories) of a directory, newest first.
func (c *Client) ListFiles(ctx context.Context, token, space, dir string, limit int) ([]File, error) {
	q := urlx.Values{"filter": {"onlyFile"}, "limit": {strconv.Itoa(limit)}, "order_by": {"creationTime"}, "order_by_type": {"desc"}}
	u, err := c.url("directory", space, dir, q)
	if err != nil {
		return nil, err
	}
	req := jsonRequest("GET", u, token, nil)
	var list fileList
	if _, err := c.call(ctx, "list directory", req, &list); err != nil {
		return nil, err
	}
	return list.Contents, nil
}

// RenamedFrom reports whether name is want or SMH's conflict rename of it: "a (3).txt" of
// "a.txt".
func RenamedFrom(name, want string) bool {
	if name == want {
		return true
	}
	base, ext := want, path.Ext(want)
	if ext != want && ext != "." {
		base = strings.TrimSuffix(want, ext)
	} else {
		ext = ""
	}
	rest, ok := strings.CutPrefix(name, base+" (")
	if !ok {
		return false
	}
	n, ok := strings.CutSuffix(rest, ")"+ext)
	if !ok || n == "" {
		return false
	}
	for _, r := range n {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
