package upload_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/gokuai"
	"github.com/ferry-upload/ferry/shared/gokuai/gokuaihttp"
	"github.com/ferry-upload/ferry/shared/gokuai/upload"
	"github.com/ferry-upload/ferry/shared/gokuaiemu"
)

// TestAgainstEmulator: the client drives a whole upload on the emulator's upload server
// the way the browser engine will: announce (signed, server side), init, parts with a
// resync after a wrong offset, finish polled through its 202; then the file API sees
// the file with the announced SHA-1.
func TestAgainstEmulator(t *testing.T) {
	ctx := context.Background()
	srv, err := gokuaiemu.NewServer(gokuaiemu.Options{})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	doer := gokuaihttp.Doer{Client: srv.HTTPClient()}
	ent := &gokuai.Client{BaseURL: srv.APIBase(), ClientID: gokuaiemu.DevClientID, Secret: gokuaiemu.DevClientSecret, Doer: doer}
	b, err := ent.Bind(ctx, gokuai.BindRequest{LibraryRef: gokuai.LibraryRef{OrgID: gokuaiemu.DevOrgID}})
	require.NoError(t, err)
	lib := &gokuai.Client{BaseURL: srv.APIBase(), ClientID: string(b.OrgClientID), Secret: string(b.OrgClientSecret), Library: true, Doer: doer}

	data := make([]byte, 25000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	sum := sha1.Sum(data)
	sha := hex.EncodeToString(sum[:])
	cf, err := lib.CreateFile(ctx, gokuai.CreateFileRequest{Path: "up/load.bin", Size: int64(len(data)), SHA1: sha})
	require.NoError(t, err)
	require.False(t, cf.Instant())
	server, err := cf.UploadServer()
	require.NoError(t, err)

	c := &upload.Client{Server: server, OrgClientID: string(b.OrgClientID), Doer: doer}
	s, err := c.Init(ctx, upload.InitRequest{PathHash: string(cf.Hash), FileName: "load.bin", SHA1: sha, Size: int64(len(data))})
	require.NoError(t, err)
	const part = 10000
	_, err = c.Part(ctx, s.ID, 0, data[:part])
	require.NoError(t, err)
	_, err = c.Part(ctx, s.ID, 2*part, data[2*part:])
	next, ok := upload.ExpectedOffset(err)
	require.True(t, ok, "%v", err)
	for off := next; off < int64(len(data)); off += part {
		_, err = c.Part(ctx, s.ID, off, data[off:min(off+part, int64(len(data)))])
		require.NoError(t, err)
	}
	var fin *upload.Finished
	polls := 0
	for fin == nil || fin.Pending {
		polls++
		require.LessOrEqual(t, polls, 10, "the Java SDK gives up after 10 polls")
		fin, err = c.Finish(ctx, s.ID)
		require.NoError(t, err)
	}
	assert.Equal(t, 2, polls, "202 once, then 200")
	assert.Equal(t, upload.File{Hash: string(cf.Hash), FullPath: "up/load.bin", FileHash: sha, FileSize: 25000}, fin.File)

	info, err := lib.FileInfo(ctx, "up/load.bin")
	require.NoError(t, err)
	assert.Equal(t, gokuai.Text(sha), info.FileHash)
	assert.Equal(t, gokuai.Int(25000), info.FileSize)
}
