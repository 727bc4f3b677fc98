package pds

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/ferry-upload/ferry/function/provider"
	"github.com/ferry-upload/ferry/shared/pds"
)

// PDS tells a drive's used size but no folder's, and a caller's area is a folder: its bytes
// are the sum over a walk of its folders, page by page (the largest page). The walk runs at
// every begin of a role with a quota, so it is bounded: an area needing more listings is
// refused, never measured in part (a partial sum would let the quota be passed).
const maxUsageListings = 200

var _ provider.UsageReader = (*Provider)(nil)

// Usage is the bytes of the files stored in the caller's area (the policy's per-user
// quota). Files still uploading are left out: the function counts open uploads itself.
func (p *Provider) Usage(ctx context.Context, c *provider.Caller) (int64, error) {
	var total int64
	err := p.as(ctx, c, func(tok, drive string) error {
		total = 0
		root := "root"
		if len(c.Prefix) > 0 {
			f, err := p.client.GetByPath(ctx, tok, drive, "/"+strings.Join(c.Prefix, "/"))
			if pds.Code(err) == pds.CodeNotFoundFile {
				return nil // an area not made yet holds nothing
			}
			if err != nil {
				return err
			}
			if f.Type != "folder" {
				return nil
			}
			root = f.FileID
		}
		folders, listings := []string{root}, 0
		for len(folders) > 0 {
			id := folders[len(folders)-1]
			folders = folders[:len(folders)-1]
			for marker := ""; ; {
				if listings++; listings > maxUsageListings {
					return &provider.Error{Code: provider.CodeUpstreamError, Status: http.StatusBadGateway, Message: "your area holds " +
						"too many folders to measure for your quota (more than " + strconv.Itoa(maxUsageListings) +
						" listings); ask the site's administrator"}
				}
				items, next, err := p.client.List(ctx, tok, drive, id, marker, pds.MaxListLimit)
				if err != nil {
					return err
				}
				for _, f := range items {
					switch {
					case f.Type == "folder":
						folders = append(folders, f.FileID)
					case f.Status == "" || f.Status == "available":
						total += f.Size
					}
				}
				if next == "" || next == marker {
					break
				}
				marker = next
			}
		}
		return nil
	})
	if err != nil {
		return 0, upstream("measuring your stored files", err)
	}
	return total, nil
}
