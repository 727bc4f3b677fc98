package pdsemu_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/pdsemu"
)

const kib = 1 << 10

// files lists a drive through the test-control API.
func (e *env) files(drive string) []pdsemu.FileInfo {
	e.t.Helper()
	a := e.do("GET", "/_emulator/files?library="+drive, nil, nil)
	require.Equal(e.t, 200, a.status, "%s", a.body)
	var out []pdsemu.FileInfo
	a.decode(e.t, &out)
	return out
}
func (e *env) mkdir(tk token, parent, name string) string {
	e.t.Helper()
	a := e.api("/v2/file/create", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": parent,
		"name": name, "type": "folder", "check_name_mode": "refuse"})
	require.Equal(e.t, 201, a.status, "%s", a.body)
	var cr created
	a.decode(e.t, &cr)
	require.Equal(e.t, "folder", cr.Type)
	return cr.FileID
}
func TestUploadByteIdentical(t *testing.T) {
	e := newEnv(t, pdsemu.Options{})
	tk := e.jwtToken("alice")
	dir := e.mkdir(tk, "root", "docs")
	sub := e.mkdir(tk, dir, "2026")
	content := data(250*kib + 7)
	cr, done := e.upload(tk, sub, "report.bin", content, 100*kib, nil)
	assert.Equal(t, "uploading", cr.Status)
	assert.False(t, cr.RapidUpload)
	for i, p := range cr.PartInfoList {
		u, err := url.Parse(p.UploadURL)
		require.NoError(t, err)
		for _, k := range []string{"Expires", "OSSAccessKeyId", "Signature", "partNumber", "uploadId"} {
			assert.NotEmpty(t, u.Query().Get(k), k)
		}
		assert.Equal(t, cr.UploadID, u.Query().Get("uploadId"))
		assert.Equal(t, i+1, p.PartNumber)
	}
	var f struct {
		FileID          string `json:"file_id"`
		Name            string `json:"name"`
		ParentFileID    string `json:"parent_file_id"`
		ContentHash     string `json:"content_hash"`
		ContentHashName string `json:"content_hash_name"`
		Crc64Hash       string `json:"crc64_hash"`
		Status          string `json:"status"`
		Size            int64  `json:"size"`
	}
	done.decode(t, &f)
	assert.Equal(t, cr.FileID, f.FileID)
	assert.Equal(t, "report.bin", f.Name)
	assert.Equal(t, sub, f.ParentFileID)
	assert.Equal(t, int64(len(content)), f.Size)
	assert.Equal(t, sha1Upper(content), f.ContentHash)
	assert.Equal(t, "sha1", f.ContentHashName)
	assert.Equal(t, crc64Dec(content), f.Crc64Hash)
	assert.Equal(t, "available", f.Status)

	files := e.files(tk.DefaultDriveID)
	assert.Equal(t, files, e.files("user:alice"), "a user's default drive by the user's id")
	require.Len(t, files, 1)
	assert.Equal(t, "/docs/2026/report.bin", files[0].Path)
	assert.Equal(t, int64(len(content)), files[0].Size)
	assert.Equal(t, sha256Hex(content), files[0].SHA256)

	byPath := e.api("/v2/file/get_by_path", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_path": "/docs/2026/report.bin"})
	require.Equal(t, 200, byPath.status, "%s", byPath.body)
	var g struct {
		FileID string `json:"file_id"`
	}
	byPath.decode(t, &g)
	assert.Equal(t, cr.FileID, g.FileID)
	assert.Equal(t, "NotFound.File", e.api("/v2/file/get_by_path", tk.AccessToken,
		map[string]any{"drive_id": tk.DefaultDriveID, "file_path": "/docs/report.bin"}).code())
	get := e.api("/v2/file/get", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID})
	assert.Equal(t, 200, get.status)

	// Another user may not touch alice's drive.
	bob := e.jwtToken("bob")
	assert.Equal(t, "Forbidden", e.api("/v2/file/get", bob.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID}).code())

	// Delete: gone from the API and the listing.
	del := e.api("/v2/file/delete", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": dir})
	assert.Equal(t, 204, del.status, "%s", del.body)
	assert.Empty(t, e.files(tk.DefaultDriveID))
	assert.Equal(t, "NotFound.File", e.api("/v2/file/get", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID}).code())
}
func TestEmptyAndSinglePartFiles(t *testing.T) {
	e := newEnv(t, pdsemu.Options{})
	tk := e.jwtToken("alice")
	// No part_info_list: one part.
	a := e.api("/v2/file/create", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": "root",
		"name": "empty.txt", "type": "file", "size": 0})
	require.Equal(t, 201, a.status, "%s", a.body)
	var cr created
	a.decode(t, &cr)
	require.Len(t, cr.PartInfoList, 1)
	require.Equal(t, 200, e.put(cr.PartInfoList[0].UploadURL, nil).status)
	done := e.api("/v2/file/complete", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID, "upload_id": cr.UploadID})
	require.Equal(t, 200, done.status, "%s", done.body)
	files := e.files(tk.DefaultDriveID)
	require.Len(t, files, 1)
	assert.Equal(t, sha256Hex(nil), files[0].SHA256)
}
func TestListUploadedPartsPaging(t *testing.T) {
	e := newEnv(t, pdsemu.Options{MinPartSize: -1})
	tk := e.jwtToken("alice")
	const n = 7
	a := e.api("/v2/file/create", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": "root",
		"name": "many.bin", "type": "file", "size": n * 3, "part_info_list": partList(n)})
	require.Equal(t, 201, a.status)
	var cr created
	a.decode(t, &cr)
	for i := 0; i < 5; i++ {
		require.Equal(t, 200, e.put(cr.PartInfoList[i].UploadURL, []byte{byte(i), 1, 2}).status)
	}
	list := func(marker any, limit int) (nums []int, next string) {
		body := map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID, "upload_id": cr.UploadID, "limit": limit}
		if marker != nil {
			body["part_number_marker"] = marker
		}
		r := e.api("/v2/file/list_uploaded_parts", tk.AccessToken, body)
		require.Equal(t, 200, r.status, "%s", r.body)
		var ans struct {
			UploadedParts []struct {
				PartNumber int    `json:"part_number"`
				ETag       string `json:"etag"`
				PartSize   int64  `json:"part_size"`
			} `json:"uploaded_parts"`
			NextPartNumberMarker string `json:"next_part_number_marker"`
		}
		r.decode(t, &ans)
		for _, p := range ans.UploadedParts {
			nums = append(nums, p.PartNumber)
			assert.Equal(t, int64(3), p.PartSize)
			assert.Equal(t, `"`+strings.ToUpper(md5Hex([]byte{byte(p.PartNumber - 1), 1, 2}))+`"`, p.ETag)
		}
		return nums, ans.NextPartNumberMarker
	}
	nums, next := list(nil, 2)
	assert.Equal(t, []int{1, 2}, nums)
	assert.Equal(t, "2", next)
	nums, next = list(next, 2)
	assert.Equal(t, []int{3, 4}, nums)
	assert.Equal(t, "4", next)
	nums, next = list(4, 2) // the marker as a number works too
	assert.Equal(t, []int{5}, nums)
	assert.Equal(t, "", next)
	nums, next = list(nil, 100)
	assert.Equal(t, []int{1, 2, 3, 4, 5}, nums)
	assert.Equal(t, "", next)
	bad := e.api("/v2/file/list_uploaded_parts", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID,
		"upload_id": cr.UploadID, "limit": 101})
	assert.Equal(t, "InvalidParameterOutOfRange", bad.code())
}
func TestCompleteRules(t *testing.T) {
	e := newEnv(t, pdsemu.Options{})
	tk := e.jwtToken("alice")
	content := data(250 * kib)
	parts := split(content, 100*kib)
	createN := func(size int, n int) created {
		a := e.api("/v2/file/create", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": "root",
			"name": "c.bin", "type": "file", "size": size, "part_info_list": partList(n)})
		require.Equal(t, 201, a.status)
		var cr created
		a.decode(t, &cr)
		return cr
	}
	complete := func(cr created, extra map[string]any) answer {
		body := map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID, "upload_id": cr.UploadID}
		for k, v := range extra {
			body[k] = v
		}
		return e.api("/v2/file/complete", tk.AccessToken, body)
	}

	cr := createN(len(content), 3)
	require.Equal(t, 200, e.put(cr.PartInfoList[0].UploadURL, parts[0]).status)
	require.Equal(t, 200, e.put(cr.PartInfoList[1].UploadURL, parts[1]).status)
	assert.Equal(t, "InvalidPart", complete(cr, nil).code(), "part 3 missing")
	require.Equal(t, 200, e.put(cr.PartInfoList[2].UploadURL, parts[2]).status)

	bad := complete(cr, map[string]any{"crc64_hash": "12345"})
	assert.Equal(t, 400, bad.status)
	assert.Equal(t, "InvalidParameterNotMatch.Crc64Hash", bad.code())
	assert.Equal(t, "InvalidPart", complete(cr, map[string]any{"part_info_list": []map[string]any{{"part_number": 1, "etag": `"00"`}}}).code())
	ups, err := e.emu.OpenUploads(tk.DefaultDriveID)
	require.NoError(t, err)
	require.Len(t, ups, 1, "a refused complete leaves the upload open")
	assert.Equal(t, []int{1, 2, 3}, ups[0].Parts)

	ok := complete(cr, map[string]any{"crc64_hash": crc64Dec(content), "part_info_list": []map[string]any{
		{"part_number": 1, "etag": `"` + md5Hex(parts[0]) + `"`}}})
	require.Equal(t, 200, ok.status, "%s", ok.body)
	assert.Equal(t, sha256Hex(content), e.files(tk.DefaultDriveID)[0].SHA256)

	// The upload id is spent.
	again := complete(cr, nil)
	assert.Equal(t, 404, again.status)
	assert.Equal(t, "NotFound.UploadId", again.code())
	lp := e.api("/v2/file/list_uploaded_parts", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID, "upload_id": cr.UploadID})
	assert.Equal(t, "NotFound.UploadId", lp.code())
	gu := e.api("/v2/file/get_upload_url", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID,
		"upload_id": cr.UploadID, "part_info_list": partList(1)})
	assert.Equal(t, "AlreadyExist.File", gu.code())
	assert.Equal(t, "NoSuchUpload", e.put(cr.PartInfoList[0].UploadURL, parts[0]).code())

	// Parts too small, sizes not summing to size.
	small := createN(3, 2)
	require.Equal(t, 200, e.put(small.PartInfoList[0].UploadURL, []byte("a")).status)
	require.Equal(t, 200, e.put(small.PartInfoList[1].UploadURL, []byte("bc")).status)
	assert.Equal(t, "EntityTooSmall", complete(small, nil).code())
	short := createN(10, 1)
	require.Equal(t, 200, e.put(short.PartInfoList[0].UploadURL, []byte("abc")).status)
	assert.Equal(t, "InvalidParameterNotMatch.Size", complete(short, nil).code())
}

// TestReferenceVectors pins the emulator's digests to provider-apis.md §4.4: 2.5 MiB of
// b[i] = i mod 251.
func TestReferenceVectors(t *testing.T) {
	e := newEnv(t, pdsemu.Options{})
	tk := e.jwtToken("alice")
	content := data(2621440)
	_, done := e.upload(tk, "root", "v.bin", content, 1<<20, nil)
	var f struct {
		ContentHash string `json:"content_hash"`
		Crc64Hash   string `json:"crc64_hash"`
	}
	done.decode(t, &f)
	assert.Equal(t, "D08B7E21AFB7BC45B7BC7E265D812094252A14AC", f.ContentHash)
	assert.Equal(t, "10547624972659972547", f.Crc64Hash)
	a := e.api("/v2/file/create", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": "root",
		"name": "w.bin", "type": "file", "size": len(content), "pre_hash": "0AC28084FF74933D05123496DAFD3791684D9B53"})
	assert.Equal(t, "PreHashMatched", a.code())
}

// An upload's file id deletes the upload while it is open (the file is invisible until
// completed, but create answered its id): the upload and its parts are gone.
func TestDeleteOpenUpload(t *testing.T) {
	e := newEnv(t, pdsemu.Options{})
	tk := e.jwtToken("alice")
	a := e.api("/v2/file/create", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": "root",
		"name": "open.bin", "type": "file", "size": 10})
	require.Equal(t, 201, a.status, "%s", a.body)
	var cr created
	a.decode(t, &cr)
	ups, err := e.srv.Emulator().OpenUploads(tk.DefaultDriveID)
	require.NoError(t, err)
	require.Len(t, ups, 1)
	a = e.api("/v2/file/delete", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID})
	require.Equal(t, 204, a.status, "%s", a.body)
	ups, err = e.srv.Emulator().OpenUploads(tk.DefaultDriveID)
	require.NoError(t, err)
	assert.Empty(t, ups)
	a = e.api("/v2/file/delete", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID})
	assert.Equal(t, 404, a.status, "%s", a.body)
}
