package pdsemu_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/pdsemu"
)

// TestParallelPartsConcurrently: a parallel upload's parts sent at once, some twice, are
// each kept once and complete to the same bytes (run with -race).
func TestParallelPartsConcurrently(t *testing.T) {
	e := newEnv(t, pdsemu.Options{DataDir: t.TempDir()})
	tk := e.jwtToken("alice")
	content := data(8*100*kib + 123)
	parts := split(content, 100*kib)
	a := e.api("/v2/file/create", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": "root",
		"name": "par.bin", "type": "file", "size": len(content), "part_info_list": partList(len(parts)), "parallel_upload": true})
	require.Equal(t, 201, a.status)
	var cr created
	a.decode(t, &cr)
	var wg sync.WaitGroup
	status := make([]int, 2*len(parts))
	for i := range status {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := i % len(parts)
			status[i] = e.put(cr.PartInfoList[n].UploadURL, parts[n]).status
		}()
	}
	wg.Wait()
	for i, s := range status {
		assert.Equal(t, 200, s, "request %d", i)
	}
	ups, err := e.emu.OpenUploads(tk.DefaultDriveID)
	require.NoError(t, err)
	require.Len(t, ups, 1)
	assert.Equal(t, int64(len(content)), ups[0].Size, "each part kept once")
	done := e.api("/v2/file/complete", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID,
		"upload_id": cr.UploadID, "crc64_hash": crc64Dec(content)})
	require.Equal(t, 200, done.status, "%s", done.body)
	assert.Equal(t, sha256Hex(content), e.files(tk.DefaultDriveID)[0].SHA256)
	st := e.emu.Stats().DataPlane.ByUpload[cr.UploadID]
	assert.Equal(t, uint64(2*len(content)), st.BytesStored)
	assert.Equal(t, int64(len(content)), st.Size)
	assert.Equal(t, "/par.bin", st.Path)
}
