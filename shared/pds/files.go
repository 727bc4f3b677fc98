package pds

import (
	"bytes"
	"context"
	"strconv"
)

// File is a file or folder as PDS answers it (the fields Ferry uses).
type File struct {
	DriveID      string `json:"drive_id"`
	FileID       string `json:"file_id"`
	ParentFileID string `json:"parent_file_id"`
	Name         string `json:"name"`
	Type         string `json:"type"` // "file" or "folder"
	Size         int64  `json:"size"`
	ContentType  string `json:"content_type,omitempty"`
	ContentHash  string `json:"content_hash,omitempty"` // SHA-1, upper-case hex
	CRC64Hash    string `json:"crc64_hash,omitempty"`   // decimal CRC-64/XZ
	Status       string `json:"status,omitempty"`       // "uploading" or "available"
	UpdatedAt    string `json:"updated_at,omitempty"`
}

// PartInfo is one part of an upload: the number the browser sends, and in answers where
// it goes (UploadURL, valid about 15 minutes) or what PDS holds (ETag, PartSize).
type PartInfo struct {
	PartNumber  int    `json:"part_number"`
	UploadURL   string `json:"upload_url,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	ETag        string `json:"etag,omitempty"`
	PartSize    int64  `json:"part_size,omitempty"`
}

// Name-conflict modes of create (provider-apis.md §4.2 maps Ferry's conflicts onto them).
const (
	CheckNameIgnore     = "ignore"      // store beside or over, as PDS does by default
	CheckNameAutoRename = "auto_rename" // store under a new name
	CheckNameRefuse     = "refuse"      // do not create: answer the existing file, exist:true
)

// CreateFileRequest starts an upload (Type "file") or makes a folder (Type "folder").
type CreateFileRequest struct {
	DriveID         string     `json:"drive_id"`
	ParentFileID    string     `json:"parent_file_id"` // "root" for the drive's root
	Name            string     `json:"name"`
	Type            string     `json:"type"`
	Size            *int64     `json:"size,omitempty"` // files only (a 0-byte file says 0)
	ContentType     string     `json:"content_type,omitempty"`
	PartInfoList    []PartInfo `json:"part_info_list,omitempty"`
	CheckNameMode   string     `json:"check_name_mode,omitempty"`
	PreHash         string     `json:"pre_hash,omitempty"`     // SHA-1 of the first 1024 bytes
	ContentHash     string     `json:"content_hash,omitempty"` // SHA-1 of the file
	ContentHashName string     `json:"content_hash_name,omitempty"`
	ParallelUpload  bool       `json:"parallel_upload,omitempty"`
	FileID          string     `json:"file_id,omitempty"` // a new revision of this file
}

// CreateFileResponse is create's answer: an upload (UploadID, PartInfoList), a file stored
// from its hash (RapidUpload), or with check_name_mode refuse an existing file (Exist).
type CreateFileResponse struct {
	DriveID      string     `json:"drive_id"`
	FileID       string     `json:"file_id"`
	FileName     string     `json:"file_name"`
	ParentFileID string     `json:"parent_file_id"`
	Type         string     `json:"type"`
	Status       string     `json:"status"`
	UploadID     string     `json:"upload_id"`
	RapidUpload  bool       `json:"rapid_upload"`
	Exist        bool       `json:"exist"`
	PartInfoList []PartInfo `json:"part_info_list"`
}

// CreateFile starts an upload or makes a folder. A pre_hash that matches a stored file is
// the error CodePreHashMatched (HTTP 409): send the content hash next.
func (c *Client) CreateFile(ctx context.Context, token string, r *CreateFileRequest) (*CreateFileResponse, error) {
	if r.DriveID == "" || r.ParentFileID == "" || r.Name == "" {
		return nil, &Error{Code: CodeInvalidArgument, Message: "create needs a drive, a parent and a name"}
	}
	var out CreateFileResponse
	if err := c.call(ctx, "file/create", "/v2/file/create", token, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetByPath returns the file or folder at path ("/a/b.txt") in a drive; a missing one is
// the error CodeNotFoundFile.
func (c *Client) GetByPath(ctx context.Context, token, driveID, path string) (*File, error) {
	var out File
	in := map[string]string{"drive_id": driveID, "file_path": path}
	if err := c.call(ctx, "file/get_by_path", "/v2/file/get_by_path", token, in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetFile returns a file or folder by id.
func (c *Client) GetFile(ctx context.Context, token, driveID, fileID string) (*File, error) {
	var out File
	in := map[string]string{"drive_id": driveID, "file_id": fileID}
	if err := c.call(ctx, "file/get", "/v2/file/get", token, in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetUploadURL renews the part URLs of an open upload.
func (c *Client) GetUploadURL(ctx context.Context, token, driveID, fileID, uploadID string, parts []int) ([]PartInfo, error) {
	list := make([]PartInfo, len(parts))
	for i, n := range parts {
		list[i].PartNumber = n
	}
	in := struct {
		DriveID      string     `json:"drive_id"`
		FileID       string     `json:"file_id"`
		UploadID     string     `json:"upload_id"`
		PartInfoList []PartInfo `json:"part_info_list"`
	}{driveID, fileID, uploadID, list}
	var out struct {
		PartInfoList []PartInfo `json:"part_info_list"`
	}
	if err := c.call(ctx, "file/get_upload_url", "/v2/file/get_upload_url", token, in, &out); err != nil {
		return nil, err
	}
	return out.PartInfoList, nil
}

// maxListPages bounds ListUploadedParts: 10,000 parts at 100 a page.
const maxListPages = 101

// ListUploadedParts returns every part PDS holds of an open upload, following the pages.
func (c *Client) ListUploadedParts(ctx context.Context, token, driveID, fileID, uploadID string) ([]PartInfo, error) {
	var all []PartInfo
	marker := 0
	for page := 0; page < maxListPages; page++ {
		in := struct {
			DriveID          string `json:"drive_id"`
			FileID           string `json:"file_id"`
			UploadID         string `json:"upload_id"`
			Limit            int    `json:"limit"`
			PartNumberMarker int    `json:"part_number_marker,omitempty"`
		}{driveID, fileID, uploadID, 100, marker}
		var out struct {
			UploadedParts        []PartInfo `json:"uploaded_parts"`
			NextPartNumberMarker looseInt   `json:"next_part_number_marker"`
		}
		if err := c.call(ctx, "file/list_uploaded_parts", "/v2/file/list_uploaded_parts", token, in, &out); err != nil {
			return nil, err
		}
		all = append(all, out.UploadedParts...)
		next := int(out.NextPartNumberMarker)
		if next <= marker || len(out.UploadedParts) == 0 {
			return all, nil
		}
		marker = next
	}
	return nil, &Error{Status: 200, Code: CodeUnexpectedResponse, Message: "file/list_uploaded_parts: more pages than 10,000 parts need"}
}

// Complete stores an upload. crc64 (decimal CRC-64/XZ of the whole file, "" to skip) is
// checked by PDS. A consumed or unknown upload id is the error CodeNotFoundUploadID.
func (c *Client) Complete(ctx context.Context, token, driveID, fileID, uploadID, crc64 string) (*File, error) {
	in := struct {
		DriveID   string `json:"drive_id"`
		FileID    string `json:"file_id"`
		UploadID  string `json:"upload_id"`
		CRC64Hash string `json:"crc64_hash,omitempty"`
	}{driveID, fileID, uploadID, crc64}
	var out File
	if err := c.call(ctx, "file/complete", "/v2/file/complete", token, in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Delete removes a file or folder (to the recycle bin where the domain keeps one).
func (c *Client) Delete(ctx context.Context, token, driveID, fileID string) error {
	in := map[string]string{"drive_id": driveID, "file_id": fileID}
	return c.call(ctx, "file/delete", "/v2/file/delete", token, in, nil)
}

// looseInt reads a number that PDS may send as a JSON number or a string ("" and null are 0).
type looseInt int64

func (n *looseInt) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || string(b) == "null" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return err
	}
	*n = looseInt(v)
	return nil
}
