package pds

import "context"

// MaxListLimit is the largest page file/list answers (limit 1..100).
const MaxListLimit = 100

// List returns one page of a folder's entries (parentID "root" for the drive's root), at
// most limit of them, from marker ("" for the first page), and the marker of the next page
// ("" after the last).
func (c *Client) List(ctx context.Context, token, driveID, parentID, marker string, limit int) ([]File, string, error) {
	in := struct {
		DriveID      string `json:"drive_id"`
		ParentFileID string `json:"parent_file_id"`
		Marker       string `json:"marker,omitempty"`
		Limit        int    `json:"limit"`
	}{driveID, parentID, marker, limit}
	var out struct {
		Items      []File `json:"items"`
		NextMarker string `json:"next_marker"`
	}
	if err := c.call(ctx, "file/list", "/v2/file/list", token, in, &out); err != nil {
		return nil, "", err
	}
	return out.Items, out.NextMarker, nil
}
