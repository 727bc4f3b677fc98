package pdsemu_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/pdsemu"
)

// TestFaultsAndRestartWithData: injected faults change nothing; tokens, open uploads with
// their parts, the URL signing key and stored files survive a restart from the data
// directory, and a file stored before the restart still serves rapid upload after it.
func TestFaultsAndRestartWithData(t *testing.T) {
	dir, clk := t.TempDir(), newClock()
	opts := pdsemu.Options{DataDir: dir}
	content := data(250 * kib)
	parts := split(content, 100*kib)

	e := openEnv(t, opts, clk)
	tk := e.jwtToken("alice")
	folder := e.mkdir(tk, "root", "in")
	a := e.api("/v2/file/create", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": folder,
		"name": "kept.bin", "type": "file", "size": len(content), "part_info_list": partList(3)})
	require.Equal(t, 201, a.status, "%s", a.body)
	var cr created
	a.decode(t, &cr)
	require.Equal(t, 200, e.put(cr.PartInfoList[0].UploadURL, parts[0]).status)
	require.Equal(t, 200, e.put(cr.PartInfoList[1].UploadURL, parts[1]).status)

	// Every data-plane request fails with a 500 before it changes anything.
	f := e.do("POST", "/_emulator/faults", nil, `{"seed":7,"dataPlane":{"rate":1,"kinds":["500"]},"controlPlane":{"rate":1,"kinds":["503"]}}`)
	require.Equal(t, 200, f.status, "%s", f.body)
	faulted := e.put(cr.PartInfoList[2].UploadURL, parts[2])
	assert.Equal(t, 500, faulted.status)
	assert.Equal(t, "InternalError", faulted.code())
	c := e.api("/v2/file/complete", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID, "upload_id": cr.UploadID})
	assert.Equal(t, 503, c.status)
	assert.Equal(t, "ServiceUnavailable", c.code())
	assert.NotEmpty(t, c.header.Get("x-ca-request-id"))
	st := e.emu.Stats()
	assert.Equal(t, uint64(2), st.FaultsInjected)
	assert.Equal(t, uint64(1), st.Requests["PUT /_oss/{uploadId}/{partNumber}"]["500"])
	assert.Equal(t, uint64(2), st.Requests["PUT /_oss/{uploadId}/{partNumber}"]["200"])
	assert.Equal(t, uint64(len(parts[0])+len(parts[1])), st.DataPlane.ByUpload[cr.UploadID].BytesStored)
	require.Equal(t, 200, e.do("POST", "/_emulator/faults", nil, `{}`).status)
	ups, err := e.emu.OpenUploads(tk.DefaultDriveID)
	require.NoError(t, err)
	require.Len(t, ups, 1)
	assert.Equal(t, []int{1, 2}, ups[0].Parts, "the faulted part was not kept")
	e.srv.Close()

	// Restart: the token, the upload, its parts and the URL key are all there.
	e = openEnv(t, opts, clk)
	lp := e.api("/v2/file/list_uploaded_parts", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID, "upload_id": cr.UploadID})
	require.Equal(t, 200, lp.status, "%s", lp.body)
	var listed struct {
		UploadedParts []struct {
			PartNumber int `json:"part_number"`
		} `json:"uploaded_parts"`
	}
	lp.decode(t, &listed)
	assert.Len(t, listed.UploadedParts, 2)
	// A URL issued before the restart (on the old port: same path and signature).
	old, err := url.Parse(cr.PartInfoList[2].UploadURL)
	require.NoError(t, err)
	require.Equal(t, 200, e.put(e.base+old.RequestURI(), parts[2]).status)
	done := e.api("/v2/file/complete", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID,
		"upload_id": cr.UploadID, "crc64_hash": crc64Dec(content)})
	require.Equal(t, 200, done.status, "%s", done.body)
	e.srv.Close()

	// Again: the file is stored, byte-identical, and its hashes still serve rapid upload.
	e = openEnv(t, opts, clk)
	defer e.srv.Close()
	files := e.files(tk.DefaultDriveID)
	require.Len(t, files, 1)
	assert.Equal(t, "/in/kept.bin", files[0].Path)
	assert.Equal(t, sha256Hex(content), files[0].SHA256)
	r := e.api("/v2/file/create", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": "root",
		"name": "copy.bin", "type": "file", "size": len(content), "content_hash": sha1Upper(content), "content_hash_name": "sha1"})
	require.Equal(t, 201, r.status, "%s", r.body)
	var rc created
	r.decode(t, &rc)
	assert.True(t, rc.RapidUpload)
	assert.Equal(t, "NotFound.UploadId", e.api("/v2/file/complete", tk.AccessToken,
		map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID, "upload_id": cr.UploadID}).code())

	// Reset empties the domain.
	require.Equal(t, 200, e.do("POST", "/_emulator/reset", nil, nil).status)
	assert.Equal(t, "AccessTokenInvalid", e.api("/v2/file/list", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": "root"}).code())
	assert.Equal(t, "NotFound.Drive", e.do("GET", "/_emulator/files?library="+tk.DefaultDriveID, nil, nil).code())
}
