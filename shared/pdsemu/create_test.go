package pdsemu_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/pdsemu"
)

func TestPreHashThenContentHashRapid(t *testing.T) {
	e := newEnv(t, pdsemu.Options{})
	tk := e.jwtToken("alice")
	content := data(300 * kib)
	pre := sha1Upper(content[:1024])
	// Nothing stored yet: pre_hash finds no candidate, the upload goes ahead.
	cr, _ := e.upload(tk, "root", "a.bin", content, 100*kib, map[string]any{"pre_hash": pre})
	require.NotEmpty(t, cr.UploadID)

	create := func(extra map[string]any) answer {
		req := map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": "root", "name": "b.bin", "type": "file",
			"size": len(content), "part_info_list": partList(3)}
		for k, v := range extra {
			req[k] = v
		}
		return e.api("/v2/file/create", tk.AccessToken, req)
	}
	// Same first KiB and size: 409 PreHashMatched.
	a := create(map[string]any{"pre_hash": pre})
	assert.Equal(t, 409, a.status, "%s", a.body)
	assert.Equal(t, "PreHashMatched", a.code())
	// Same first KiB, another size: no match.
	other := create(map[string]any{"pre_hash": pre, "size": len(content) - 1})
	assert.Equal(t, 201, other.status, "%s", other.body)
	// Then the full SHA-1 (lowercase accepted too): rapid, no bytes sent.
	r := create(map[string]any{"content_hash": strings.ToLower(sha1Upper(content)), "content_hash_name": "sha1"})
	require.Equal(t, 201, r.status, "%s", r.body)
	var rc created
	r.decode(t, &rc)
	assert.True(t, rc.RapidUpload)
	assert.Empty(t, rc.UploadID)
	assert.Empty(t, rc.PartInfoList)
	assert.Equal(t, "available", rc.Status)
	// A content_hash with no stored match: an ordinary upload.
	miss := create(map[string]any{"content_hash": sha1Upper(data(10)), "content_hash_name": "sha1"})
	var mc created
	miss.decode(t, &mc)
	assert.False(t, mc.RapidUpload)
	assert.NotEmpty(t, mc.UploadID)
	// content_hash_name other than sha1 is refused.
	assert.Equal(t, "InvalidParameter", create(map[string]any{"content_hash": sha1Upper(content), "content_hash_name": "md5"}).code())

	files := e.files(tk.DefaultDriveID)
	require.Len(t, files, 2)
	assert.Equal(t, "/b.bin", files[1].Path)
	assert.Equal(t, sha256Hex(content), files[1].SHA256, "the rapid file holds the same bytes")
	// Deleting the original keeps the rapid copy's bytes.
	require.Equal(t, 204, e.api("/v2/file/delete", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID}).status)
	files = e.files(tk.DefaultDriveID)
	require.Len(t, files, 1)
	assert.Equal(t, sha256Hex(content), files[0].SHA256)
}
func TestCheckNameModes(t *testing.T) {
	cases := []struct {
		mode      string
		wantName  string // "" = renamed
		exist     bool
		wantFiles int
	}{
		{mode: "ignore", wantName: "same.txt", wantFiles: 2},
		{mode: "", wantName: "same.txt", wantFiles: 2}, // ignore is the default
		{mode: "auto_rename", wantFiles: 2},
		{mode: "refuse", wantName: "same.txt", exist: true, wantFiles: 1},
	}
	for _, tc := range cases {
		t.Run("mode "+tc.mode, func(t *testing.T) {
			e := newEnv(t, pdsemu.Options{})
			tk := e.jwtToken("alice")
			first, _ := e.upload(tk, "root", "same.txt", []byte("one"), 100*kib, nil)
			extra := map[string]any{}
			if tc.mode != "" {
				extra["check_name_mode"] = tc.mode
			}
			cr, _ := e.upload(tk, "root", "same.txt", []byte("two!"), 100*kib, extra)
			assert.Equal(t, tc.exist, cr.Exist)
			if tc.exist {
				assert.Equal(t, first.FileID, cr.FileID, "refuse answers the existing file")
				assert.Empty(t, cr.UploadID)
			}
			if tc.wantName != "" {
				assert.Equal(t, tc.wantName, cr.FileName)
			} else {
				assert.Equal(t, "same_20260301_120000.txt", cr.FileName)
			}
			assert.Len(t, e.files(tk.DefaultDriveID), tc.wantFiles)
		})
	}
	t.Run("bad mode", func(t *testing.T) {
		e := newEnv(t, pdsemu.Options{})
		tk := e.jwtToken("alice")
		a := e.api("/v2/file/create", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": "root",
			"name": "x", "type": "file", "size": 1, "check_name_mode": "overwrite"})
		assert.Equal(t, "InvalidParameter", a.code())
	})
	t.Run("new revision by file_id", func(t *testing.T) {
		e := newEnv(t, pdsemu.Options{})
		tk := e.jwtToken("alice")
		first, _ := e.upload(tk, "root", "v.txt", []byte("version one"), 100*kib, nil)
		cr, _ := e.upload(tk, "root", "ignored", []byte("version two"), 100*kib, map[string]any{"file_id": first.FileID})
		assert.Equal(t, first.FileID, cr.FileID)
		files := e.files(tk.DefaultDriveID)
		require.Len(t, files, 1)
		assert.Equal(t, "/v.txt", files[0].Path)
		assert.Equal(t, sha256Hex([]byte("version two")), files[0].SHA256)
	})
}
func TestCreateRefusals(t *testing.T) {
	e := newEnv(t, pdsemu.Options{})
	tk := e.jwtToken("alice")
	base := func() map[string]any {
		return map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": "root", "name": "f", "type": "file", "size": 10}
	}
	cases := []struct {
		name string
		edit func(m map[string]any)
		code string
	}{
		{"slash in name", func(m map[string]any) { m["name"] = "a/b" }, "InvalidParameter"},
		{"dot name", func(m map[string]any) { m["name"] = ".." }, "InvalidParameter"},
		{"name too long", func(m map[string]any) { m["name"] = strings.Repeat("é", 513) }, "InvalidParameter"},
		{"no name", func(m map[string]any) { delete(m, "name") }, "InvalidParameterMissing"},
		{"no size", func(m map[string]any) { delete(m, "size") }, "InvalidParameterMissing"},
		{"bad type", func(m map[string]any) { m["type"] = "link" }, "InvalidParameter"},
		{"unknown parent", func(m map[string]any) { m["parent_file_id"] = "nope" }, "NotFound.ParentFileId"},
		{"unknown drive", func(m map[string]any) { m["drive_id"] = "999" }, "NotFound.Drive"},
		{"too many parts", func(m map[string]any) { m["part_info_list"] = partList(10001) }, "InvalidParameterOutOfRange"},
		{"gap in parts", func(m map[string]any) {
			m["part_info_list"] = []map[string]any{{"part_number": 1}, {"part_number": 3}}
		}, "InvalidParameter"},
		{"bad pre_hash", func(m map[string]any) { m["pre_hash"] = "xyz" }, "InvalidParameter"},
		{"share_id", func(m map[string]any) { m["share_id"] = "s" }, "InvalidParameter"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := base()
			tc.edit(m)
			a := e.api("/v2/file/create", tk.AccessToken, m)
			assert.Equal(t, tc.code, a.code(), "%d %s", a.status, a.body)
		})
	}
	// A name of exactly 1024 bytes is fine; 10000 parts too.
	m := base()
	m["name"], m["part_info_list"] = strings.Repeat("é", 512), partList(10000)
	assert.Equal(t, 201, e.api("/v2/file/create", tk.AccessToken, m).status)
	assert.Empty(t, e.files(tk.DefaultDriveID))
}
