package gokuaiemu_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/gokuai"
	"github.com/ferry-upload/ferry/shared/gokuai/gokuaihttp"
	"github.com/ferry-upload/ferry/shared/gokuai/upload"
	"github.com/ferry-upload/ferry/shared/gokuaiemu"
)

// TestUploadSizes: 0 B, 1 B, one part, several parts with and without a short tail land
// byte-identical, through create_file, upload_init, upload_req, upload_part and a finish
// that answers 202 and then 200; the file API and the library's counters see them.
func TestUploadSizes(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	lc, _ := e.libClient(gokuaiemu.DevOrgID)
	var total int64
	for i, tc := range []struct {
		name     string
		size     int
		partSize int
	}{
		{"empty", 0, 1000}, {"one byte", 1, 1000}, {"one part", 1000, 1000},
		{"parts and a tail", 2500, 1000}, {"exact parts", 3000, 1000}, {"big parts", 3<<20 + 7, 1 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := content(tc.size, byte(i))
			path := "in/" + tc.name + ".bin"
			cf := announce(t, lc, path, data, false)
			assert.Equal(t, gokuai.Text(path), cf.FullPath)
			assert.NotEmpty(t, cf.Hash)
			u := e.open(lc, cf, data)
			off, err := u.c.Offset(ctx, u.session)
			require.NoError(t, err)
			assert.Zero(t, off)
			u.sendAll(tc.partSize)
			off, err = u.c.Offset(ctx, u.session)
			require.NoError(t, err)
			assert.Equal(t, int64(tc.size), off)
			f := u.finish()
			assert.Equal(t, upload.File{Hash: string(cf.Hash), FullPath: path, FileHash: sha1hex(data), FileSize: int64(tc.size)}, f)
			e.requireStored(gokuaiemu.DevMountID, path, data)

			info, err := lc.FileInfo(ctx, path)
			require.NoError(t, err)
			assert.Equal(t, gokuai.File{Hash: cf.Hash, FullPath: gokuai.Text(path), FileName: gokuai.Text(filepath.Base(path)),
				FileHash: gokuai.Text(sha1hex(data)), FileSize: gokuai.Int(tc.size), CreateMemberName: gokuai.Text(lc.ClientID),
				CreateDateline: gokuai.Int(e.clock.Now().Unix()), LastMemberName: gokuai.Text(lc.ClientID),
				LastDateline: gokuai.Int(e.clock.Now().Unix())}, *info)
			total += int64(tc.size)

			again, err := u.c.Finish(ctx, u.session)
			require.NoError(t, err, "a repeated finish answers the stored file again")
			assert.Equal(t, f, again.File)
			assert.Empty(t, e.uploads(gokuaiemu.DevMountID), "a finished upload is not listed as open")
		})
	}
	lib, err := e.ent.Info(ctx, gokuai.LibraryRef{OrgID: gokuaiemu.DevOrgID})
	require.NoError(t, err)
	assert.Equal(t, gokuai.Int(total), lib.SizeOrgUse)
	assert.Equal(t, gokuai.Int(6), lib.FileCount)
	assert.Equal(t, gokuai.Int(1), lib.DirCount, "the parent folder was created")
	dir, err := lc.FileInfo(ctx, "in")
	require.NoError(t, err)
	assert.Equal(t, gokuai.Int(1), dir.Dir)
	page, err := e.ent.Log(ctx, gokuai.LogRequest{Acts: []int{gokuai.ActCreate}, LibraryRef: gokuai.LibraryRef{OrgID: gokuaiemu.DevOrgID}})
	require.NoError(t, err)
	assert.Equal(t, gokuai.Int(6), page.Total, "each stored file is logged")
	assert.Equal(t, gokuai.Text("in/big parts.bin"), page.List[0].FullPath)
}

// TestOffsetResync: a part that does not start at the stored offset is refused 409
// {"expect"} without being stored; the client resumes from the offset named (and from
// upload_req); a finish before the last byte is a 409 too.
func TestOffsetResync(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	lc, _ := e.libClient(gokuaiemu.DevOrgID)
	data := content(3000, 3)
	u := e.open(lc, announce(t, lc, "a.bin", data, false), data)
	require.NoError(t, u.send(0, 1000))

	for _, start := range []int{0, 500, 2000} { // a replay, an overlap, a gap
		err := u.send(start, start+500)
		n, ok := upload.ExpectedOffset(err)
		require.True(t, ok, "start %d: %v", start, err)
		assert.Equal(t, int64(1000), n)
	}
	_, err := u.c.Finish(ctx, u.session)
	n, ok := upload.ExpectedOffset(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, int64(1000), n)

	off, err := u.c.Offset(ctx, u.session)
	require.NoError(t, err)
	assert.Equal(t, int64(1000), off)
	u.sendAll(700)
	u.finish()
	e.requireStored(gokuaiemu.DevMountID, "a.bin", data)

	complete, err := u.c.Part(ctx, u.session, 0, data[:10])
	require.NoError(t, err)
	assert.True(t, complete, "a part for a complete file answers 202")
}

// TestPartChecks: a CRC-32 that does not match the bytes is refused (nothing stored); a
// part without the CRC header (as the CLI sends) is taken; a range that does not match
// the body, ends past the file or is malformed is refused.
func TestPartChecks(t *testing.T) {
	e := newEnv(t, "")
	lc, _ := e.libClient(gokuaiemu.DevOrgID)
	data := content(2000, 9)
	u := e.open(lc, announce(t, lc, "c.bin", data, false), data)
	put := func(rng, crc string, body []byte) (int, string) {
		req, err := u.c.PartRequest(u.session, 0, []byte{1})
		require.NoError(t, err)
		req.Body = body
		req.Header[upload.HeaderRange] = rng
		if crc == "" {
			delete(req.Header, upload.HeaderCRC)
		} else {
			req.Header[upload.HeaderCRC] = crc
		}
		resp, err := (gokuaihttp.Doer{Client: e.srv.HTTPClient()}).Do(context.Background(), req)
		require.NoError(t, err)
		return resp.StatusCode, string(resp.Body)
	}
	good, err := u.c.PartRequest(u.session, 0, data[:1000])
	require.NoError(t, err)
	crc := good.Header[upload.HeaderCRC]
	n, err := strconv.ParseUint(crc, 10, 32)
	require.NoError(t, err)

	status, body := put("0-999", strconv.FormatUint(uint64(uint32(n+1)), 10), data[:1000])
	assert.Equal(t, 400, status)
	assert.Contains(t, body, `"error_code":40002`)
	status, body = put("0-999", crc, append([]byte{data[0] + 1}, data[1:1000]...))
	assert.Equal(t, 400, status, "one byte changed")
	assert.Contains(t, body, `"error_code":40002`)
	for _, rng := range []string{"0-998", "0-1000", "1-0", "0", "-999", "0-0x3e7", "+0-999", "0-99999"} {
		status, body = put(rng, crc, data[:1000])
		assert.Equal(t, 400, status, rng)
		assert.Contains(t, body, `"error_code":40001`, rng)
	}
	status, body = put("0-1999", "", append(data[:1000:1000], make([]byte, 1000)...))
	assert.Equal(t, 200, status, "no CRC header: taken unchecked (%s)", body)
	off, err := u.c.Offset(context.Background(), u.session)
	require.NoError(t, err)
	assert.Equal(t, int64(2000), off)

	// The content is not what create_file announced: the finish refuses it and drops it.
	f, err := u.c.Finish(context.Background(), u.session)
	require.NoError(t, err)
	require.True(t, f.Pending)
	_, err = u.c.Finish(context.Background(), u.session)
	requireCode(t, err, gokuai.CodeFileHashMismatch)
	assert.Empty(t, e.files(gokuaiemu.DevMountID))
	_, err = u.c.Offset(context.Background(), u.session)
	requireCode(t, err, gokuai.CodeSessionInvalid)
}

// TestAbortLeavesNothing: after upload_abort the session is refused and neither the
// state nor the data directory keeps a byte of it.
func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, dir)
	lc, _ := e.libClient(gokuaiemu.DevOrgID)
	data := content(5000, 1)
	u := e.open(lc, announce(t, lc, "x/y.bin", data, false), data)
	require.NoError(t, u.send(0, 2000))
	require.NoError(t, u.send(2000, 4000))
	require.Len(t, e.uploads(gokuaiemu.DevMountID), 1)
	require.Equal(t, 2, countFiles(t, filepath.Join(dir, "blobs")))

	require.NoError(t, u.c.Abort(context.Background(), u.session))
	assert.Empty(t, e.uploads(gokuaiemu.DevMountID))
	assert.Empty(t, e.files(gokuaiemu.DevMountID))
	assert.Zero(t, countFiles(t, filepath.Join(dir, "blobs")))
	assert.Zero(t, countFiles(t, filepath.Join(dir, "parts")))
	_, err := u.c.Offset(context.Background(), u.session)
	requireCode(t, err, gokuai.CodeSessionInvalid)
	requireCode(t, u.send(4000, 5000), gokuai.CodeSessionInvalid)
	requireCode(t, u.c.Abort(context.Background(), u.session), gokuai.CodeSessionInvalid)
	_, err = lc.FileInfo(context.Background(), "x")
	requireCode(t, err, gokuai.CodeFileNotFound)
}

// TestRestartMidUpload: with -data, an upload half sent survives a restart: the same
// session answers the stored offset on the new server, takes the rest and finishes
// byte-identical; a finished upload's parts are gone from disk.
func TestRestartMidUpload(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e1 := newEnv(t, dir)
	lc, bind := e1.libClient(gokuaiemu.DevOrgID)
	data := content(2500, 6)
	cf := announce(t, lc, "r/estart.bin", data, false)
	u := e1.open(lc, cf, data)
	require.NoError(t, u.send(0, 1000))
	require.NoError(t, u.send(1000, 2000))
	e1.srv.Close()

	e2 := newEnv(t, dir)
	u.c.Server = e2.srv.URL() + gokuaiemu.UploadPrefix
	u.c.Doer = gokuaihttp.Doer{Client: e2.srv.HTTPClient()}
	off, err := u.c.Offset(ctx, u.session)
	require.NoError(t, err)
	assert.Equal(t, int64(2000), off)
	ups := e2.uploads(gokuaiemu.DevMountID)
	require.Len(t, ups, 1)
	assert.Equal(t, uploadEntry{Path: "/r/estart.bin", Size: 2000, Session: u.session, Declared: 2500}, ups[0])
	u.sendAll(1000)
	u.finish()
	e2.requireStored(gokuaiemu.DevMountID, "r/estart.bin", data)
	assert.Zero(t, countFiles(t, filepath.Join(dir, "parts")))
	assert.Equal(t, 3, countFiles(t, filepath.Join(dir, "blobs")), "the file's three parts")
	e2.srv.Close()

	e3 := newEnv(t, dir)
	e3.requireStored(gokuaiemu.DevMountID, "r/estart.bin", data)
	lc3 := e3.client(string(bind.OrgClientID), string(bind.OrgClientSecret), true)
	info, err := lc3.FileInfo(ctx, "r/estart.bin")
	require.NoError(t, err)
	assert.Equal(t, gokuai.Text(sha1hex(data)), info.FileHash)
}

// TestUploadInitChecks: upload_init's headers must be create_file's: the path hash, the
// file name (URL-encoded), the SHA-1 and the size; a repeated upload_init resumes the
// same session.
func TestUploadInitChecks(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	lc, _ := e.libClient(gokuaiemu.DevOrgID)
	data := content(100, 2)
	cf := announce(t, lc, "dir/a name é.txt", data, false)
	server, err := cf.UploadServer()
	require.NoError(t, err)
	c := &upload.Client{Server: server, OrgClientID: lc.ClientID, Doer: gokuaihttp.Doer{Client: e.srv.HTTPClient()}}
	good := upload.InitRequest{PathHash: string(cf.Hash), FileName: "a name é.txt", SHA1: sha1hex(data), Size: 100}
	for name, r := range map[string]upload.InitRequest{
		"name":  {PathHash: good.PathHash, FileName: "other.txt", SHA1: good.SHA1, Size: 100},
		"sha1":  {PathHash: good.PathHash, FileName: good.FileName, SHA1: sha1hex(content(100, 3)), Size: 100},
		"size":  {PathHash: good.PathHash, FileName: good.FileName, SHA1: good.SHA1, Size: 101},
		"upper": {PathHash: good.PathHash, FileName: good.FileName, SHA1: strings.ToUpper(good.SHA1), Size: 100},
	} {
		_, err := c.Init(ctx, r)
		if name == "upper" {
			require.NoError(t, err, "the client sends the SHA-1 in lower case")
			continue
		}
		requireCode(t, err, gokuai.CodeInvalidParameter)
	}
	_, err = c.Init(ctx, upload.InitRequest{PathHash: sha1hex([]byte("x")), FileName: good.FileName, SHA1: good.SHA1, Size: 100})
	requireCode(t, err, gokuai.CodeUploadNotFound)

	s1, err := c.Init(ctx, good)
	require.NoError(t, err)
	_, err = c.Part(ctx, s1.ID, 0, data[:40])
	require.NoError(t, err)
	again := announce(t, lc, "dir/a name é.txt", data, false) // the same content announced again
	assert.Equal(t, cf.Hash, again.Hash)
	s2, err := c.Init(ctx, good)
	require.NoError(t, err)
	assert.Equal(t, s1.ID, s2.ID, "the same path and content resume the same session")
	off, err := c.Offset(ctx, s2.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(40), off)
}

// TestResetAndDestroyReleaseBytes: destroying a library drops its files and open uploads,
// and a reset drops everything: no blob or part file stays in the data directory.
func TestResetAndDestroyReleaseBytes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e := newEnv(t, dir)
	other, err := e.ent.Create(ctx, gokuai.CreateRequest{Name: "doomed"})
	require.NoError(t, err)
	for _, org := range []int64{gokuaiemu.DevOrgID, int64(other.OrgID)} {
		lc, _ := e.libClient(org)
		data := content(3000, byte(org))
		u := e.open(lc, announce(t, lc, "done.bin", data, false), data)
		u.sendAll(1000)
		u.finish()
		open := content(3000, byte(org+1))
		u = e.open(lc, announce(t, lc, "open.bin", open, false), open)
		require.NoError(t, u.send(0, 1000))
	}
	require.Equal(t, 8, countFiles(t, filepath.Join(dir, "blobs")), "3 parts of a file and 1 open part, twice")
	require.Equal(t, 2, countFiles(t, filepath.Join(dir, "parts")))

	require.NoError(t, e.ent.Destroy(ctx, gokuai.DestroyRequest{OrgID: int64(other.OrgID)}))
	assert.Equal(t, 4, countFiles(t, filepath.Join(dir, "blobs")))
	assert.Equal(t, 1, countFiles(t, filepath.Join(dir, "parts")))

	resp, err := e.srv.HTTPClient().Post(e.srv.URL()+"/_emulator/reset", "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Zero(t, countFiles(t, filepath.Join(dir, "blobs")))
	assert.Zero(t, countFiles(t, filepath.Join(dir, "parts")))
	assert.Empty(t, e.files(gokuaiemu.DevMountID))
}
