package smh

import (
	"context"
	"strconv"

	"github.com/ferry-upload/ferry/shared/urlx"
)

// MaxListLimit is the largest page SMH's directory listing hands out.
const MaxListLimit = 1000

// DirectoryPage is one page of a directory listing: files and folders (Type "dir").
type DirectoryPage struct {
	Contents []File `json:"contents"`
	// NextMarker asks for the next page; "" when this page is the last.
	NextMarker string `json:"-"`
	// TotalNum is the number of entries in the directory, when the answer says (TotalGiven):
	// a walk can check that its pages added up to it.
	TotalNum   int64 `json:"-"`
	TotalGiven bool  `json:"-"`
}

// IsDir reports whether a listed entry is a folder.
func (f *File) IsDir() bool { return f.Type == "dir" }

// ListDirectory lists one page of a directory, files and folders in SMH's default order,
// starting at marker ("" for the first page); limit is 1..MaxListLimit. The marker is sent
// on the first page too (bare), so the service pages by marker and answers nextMarker,
// rather than reading a lone limit as offset paging, which has none.
func (c *Client) ListDirectory(ctx context.Context, token, space, dir, marker string, limit int) (*DirectoryPage, error) {
	if limit < 1 || limit > MaxListLimit {
		return nil, invalid("limit %d: use 1..%d", limit, MaxListLimit)
	}
	q := urlx.Values{"limit": {strconv.Itoa(limit)}, "marker": {marker}}
	u, err := c.url("directory", space, dir, q)
	if err != nil {
		return nil, err
	}
	req := jsonRequest("GET", u, token, nil)
	var page DirectoryPage
	if _, err := c.call(ctx, "list directory", req, &page); err != nil {
		return nil, err
	}
	return &page, nil
}
