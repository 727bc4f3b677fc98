package gokuaiemu_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/emukit"
	"github.com/ferry-upload/ferry/shared/gokuai"
	"github.com/ferry-upload/ferry/shared/gokuai/gokuaihttp"
	"github.com/ferry-upload/ferry/shared/gokuai/upload"
	"github.com/ferry-upload/ferry/shared/gokuaiemu"
)

// TestInstantUpload: create_file with the SHA-1 and size of stored content answers state
// 1 and stores the file without a byte sent, in the same library or another; the same
// SHA-1 with another size is not a hit. upload_init answers 202 for content that was
// stored after create_file.
func TestInstantUpload(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	lc, _ := e.libClient(gokuaiemu.DevOrgID)
	data := content(4096, 5)
	u := e.open(lc, announce(t, lc, "first.bin", data, false), data)
	late := announce(t, lc, "late.bin", data, false) // announced before the content is stored
	u.sendAll(4096)
	u.finish()

	cf := announce(t, lc, "copy.bin", data, false)
	assert.True(t, cf.Instant())
	assert.Empty(t, cf.Server)
	e.requireStored(gokuaiemu.DevMountID, "copy.bin", data)

	other, err := e.ent.Create(ctx, gokuai.CreateRequest{Name: "other"})
	require.NoError(t, err)
	oc, _ := e.libClient(int64(other.OrgID))
	assert.True(t, announce(t, oc, "elsewhere.bin", data, false).Instant(), "the storage is the enterprise's")
	e.requireStored(int64(other.MountID), "elsewhere.bin", data)

	miss, err := lc.CreateFile(ctx, gokuai.CreateFileRequest{Path: "miss.bin", Size: 4095, SHA1: sha1hex(data)})
	require.NoError(t, err)
	assert.False(t, miss.Instant(), "the size is part of the key")

	server, err := late.UploadServer()
	require.NoError(t, err)
	c := &upload.Client{Server: server, OrgClientID: lc.ClientID, Doer: gokuaihttp.Doer{Client: e.srv.HTTPClient()}}
	s, err := c.Init(ctx, upload.InitRequest{PathHash: string(late.Hash), FileName: "late.bin", SHA1: sha1hex(data), Size: 4096})
	require.NoError(t, err)
	assert.True(t, s.Complete, "upload_init: 202, the content is there now")
	e.requireStored(gokuaiemu.DevMountID, "late.bin", data)
	assert.Len(t, e.files(gokuaiemu.DevMountID), 3)
}

// TestOverwrite: overwrite=0 refuses a taken path at create_file (instant or not) and at
// finish when the path was taken meanwhile, dropping that upload; overwrite=1 replaces
// the file; a folder or a file in the way of the path is refused either way.
func TestOverwrite(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	lc, _ := e.libClient(gokuaiemu.DevOrgID)
	v1, v2 := content(100, 1), content(200, 2)
	u := e.open(lc, announce(t, lc, "doc.txt", v1, false), v1)
	u.sendAll(100)
	u.finish()

	for _, data := range [][]byte{v1, v2} { // instant or not
		_, err := lc.CreateFile(ctx, gokuai.CreateFileRequest{Path: "doc.txt", Size: int64(len(data)), SHA1: sha1hex(data)})
		requireCode(t, err, gokuai.CodeFileExists)
		assert.Equal(t, 409, err.(*gokuai.Error).Status)
	}
	u = e.open(lc, announce(t, lc, "doc.txt", v2, true), v2)
	u.sendAll(64)
	u.finish()
	e.requireStored(gokuaiemu.DevMountID, "doc.txt", v2)

	// Taken between create_file and finish: overwrite=0 loses.
	v3 := content(300, 3)
	slow := e.open(lc, announce(t, lc, "race.txt", v3, false), v3)
	slow.sendAll(300)
	fast := e.open(lc, announce(t, lc, "race.txt", v1, false), v1) // another content: a session of its own
	_, err := slow.c.Offset(ctx, slow.session)
	requireCode(t, err, gokuai.CodeSessionInvalid) // announcing another content for the path ended it
	fast.sendAll(100)
	fast.finish()
	e.requireStored(gokuaiemu.DevMountID, "race.txt", v1)

	late := e.open(lc, announce(t, lc, "late.txt", v3, false), v3)
	late.sendAll(300)
	// v2 is stored: an instant upload takes the path and opens no session, so late's
	// session lives on, and its finish meets a taken path.
	require.True(t, announce(t, lc, "late.txt", v2, false).Instant())
	f, err := late.c.Finish(ctx, late.session)
	require.NoError(t, err)
	require.True(t, f.Pending)
	_, err = late.c.Finish(ctx, late.session)
	requireCode(t, err, gokuai.CodeFileExists)
	e.requireStored(gokuaiemu.DevMountID, "late.txt", v2)
	assert.Empty(t, e.uploads(gokuaiemu.DevMountID))

	_, err = lc.CreateFolder(ctx, "folder", "")
	require.NoError(t, err)
	for _, p := range []string{"folder", "doc.txt/inside.txt"} {
		_, err = lc.CreateFile(ctx, gokuai.CreateFileRequest{Path: p, Size: 1, SHA1: sha1hex([]byte{1}), Overwrite: true})
		requireCode(t, err, gokuai.CodeFileExists)
	}
}

// TestSessionExpiry: ExpireUploadAfter caps the sessions handed out from then on; an
// expired session is refused on every route and dropped, and /_emulator/expire ends the
// open ones at once.
func TestSessionExpiry(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	lc, _ := e.libClient(gokuaiemu.DevOrgID)
	require.NoError(t, e.kit().SetFaults(emukit.FaultConfig{ExpireUploadAfter: emukit.Duration(time.Minute)}))
	data := content(2000, 4)
	u := e.open(lc, announce(t, lc, "e.bin", data, false), data)
	require.NoError(t, u.send(0, 1000))
	e.clock.Add(59 * time.Second)
	require.NoError(t, u.send(1000, 1500), "still within the minute")
	e.clock.Add(time.Second)
	requireCode(t, u.send(1500, 2000), gokuai.CodeSessionInvalid)
	_, err := u.c.Offset(ctx, u.session)
	requireCode(t, err, gokuai.CodeSessionInvalid)
	_, err = u.c.Finish(ctx, u.session)
	requireCode(t, err, gokuai.CodeSessionInvalid)
	assert.Empty(t, e.uploads(gokuaiemu.DevMountID))

	// Announced again: a new session, from 0.
	require.NoError(t, e.kit().SetFaults(emukit.FaultConfig{}))
	u2 := e.open(lc, announce(t, lc, "e.bin", data, false), data)
	assert.NotEqual(t, u.session, u2.session)
	require.NoError(t, u2.send(0, 1000))
	resp, err := e.srv.HTTPClient().Post(e.srv.URL()+"/_emulator/expire", "application/json", strings.NewReader(`{"uploads":true}`))
	require.NoError(t, err)
	resp.Body.Close()
	requireCode(t, u2.send(1000, 2000), gokuai.CodeSessionInvalid)
}

// TestFileOpsStayInTheirLibrary: a file operation is its library credential's own: the
// enterprise credential, another library's secret, another library named by mount_id or
// org_id, and upload_init for another library's pathhash are refused.
func TestFileOpsStayInTheirLibrary(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	a, _ := e.libClient(gokuaiemu.DevOrgID)
	other, err := e.ent.Create(ctx, gokuai.CreateRequest{Name: "B"})
	require.NoError(t, err)
	b, bBind := e.libClient(int64(other.OrgID))
	secret := content(10, 7)
	bu := e.open(b, announce(t, b, "secret.bin", secret, false), secret)
	bu.sendAll(10)
	bu.finish()
	bAnnounced := announce(t, b, "pending.bin", content(20, 1), false)

	q := gokuai.Params{"fullpath": "secret.bin"}
	requireCode(t, e.ent.Call(ctx, "info", gokuai.PathFileInfo, q, nil), gokuai.CodeForbidden)
	wrongSecret := e.client(a.ClientID, string(bBind.OrgClientSecret), true)
	requireCode(t, wrongSecret.Call(ctx, "info", gokuai.PathFileInfo, q, nil), gokuai.CodeInvalidSign)
	for _, id := range []string{"mount_id=" + strconv.FormatInt(int64(other.MountID), 10), "org_id=" + strconv.FormatInt(int64(other.OrgID), 10)} {
		k, v, _ := strings.Cut(id, "=")
		p := gokuai.Params{"fullpath": "secret.bin", k: v}
		requireCode(t, a.Call(ctx, "info", gokuai.PathFileInfo, p, nil), gokuai.CodeForbidden)
		p = gokuai.Params{"fullpath": "stolen.bin", k: v, "filehash": sha1hex(secret), "filesize": "10", "overwrite": "1"}
		status, body := e.postSigned(a, gokuai.PathCreateFile, p, nil)
		assert.Equal(t, 403, status, body)
		assert.Contains(t, body, `"error_code":40301`)
	}
	_, err = a.FileInfo(ctx, "secret.bin")
	requireCode(t, err, gokuai.CodeFileNotFound)
	requireCode(t, a.DeleteFiles(ctx, "", "secret.bin"), gokuai.CodeFileNotFound)

	server, err := bAnnounced.UploadServer()
	require.NoError(t, err)
	c := &upload.Client{Server: server, OrgClientID: a.ClientID, Doer: gokuaihttp.Doer{Client: e.srv.HTTPClient()}}
	_, err = c.Init(ctx, upload.InitRequest{PathHash: string(bAnnounced.Hash), FileName: "pending.bin",
		SHA1: sha1hex(content(20, 1)), Size: 20})
	requireCode(t, err, gokuai.CodeUploadNotFound)
	c.OrgClientID = "nobody"
	_, err = c.Init(ctx, upload.InitRequest{PathHash: string(bAnnounced.Hash), FileName: "pending.bin",
		SHA1: sha1hex(content(20, 1)), Size: 20})
	requireCode(t, err, gokuai.CodeInvalidClient)
	assert.Len(t, e.files(int64(other.MountID)), 1)
	assert.Empty(t, e.files(gokuaiemu.DevMountID))
}

// TestCreateFileSigning: create_file's sign leaves filehash and filesize out (what the
// SDKs send), so they may change after signing; every other parameter is signed.
func TestCreateFileSigning(t *testing.T) {
	e := newEnv(t, "")
	lc, _ := e.libClient(gokuaiemu.DevOrgID)
	post := func(mutate func(gokuai.Params)) (int, string) {
		p := gokuai.Params{"fullpath": "s.bin", "filehash": sha1hex([]byte("a")), "filesize": "1", "overwrite": "0"}
		return e.postSigned(lc, gokuai.PathCreateFile, p, mutate)
	}
	status, body := post(func(p gokuai.Params) { p["filehash"], p["filesize"] = sha1hex([]byte("bb")), "2" })
	assert.Equal(t, 200, status, body)
	assert.Contains(t, body, `"state":0`)
	status, body = post(func(p gokuai.Params) { p["overwrite"] = "1" })
	assert.Equal(t, 401, status)
	assert.Contains(t, body, `401041`)
	status, body = post(func(p gokuai.Params) { p["fullpath"] = "t.bin" })
	assert.Equal(t, 401, status)
	assert.Contains(t, body, `401041`)

	lib, err := e.ent.Create(context.Background(), gokuai.CreateRequest{Name: "small", Capacity: 10})
	require.NoError(t, err)
	sc, _ := e.libClient(int64(lib.OrgID))
	_, err = sc.CreateFile(context.Background(), gokuai.CreateFileRequest{Path: "big", Size: 11, SHA1: sha1hex(content(11, 0))})
	requireCode(t, err, gokuai.CodeCapacityExceeded)
}

// TestFolderAndDelete: create_folder (parents too, idempotent), info by path and hash,
// del of several paths at once (a folder with what is under it), del of a missing path
// deleting nothing.
func TestFolderAndDelete(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	lc, _ := e.libClient(gokuaiemu.DevOrgID)
	f, err := lc.CreateFolder(ctx, "a/b/c", "ferry")
	require.NoError(t, err)
	assert.Equal(t, gokuai.Text("a/b/c"), f.FullPath)
	again, err := lc.CreateFolder(ctx, "a/b/c", "")
	require.NoError(t, err)
	assert.Equal(t, *f, *again)
	data := content(10, 0)
	u := e.open(lc, announce(t, lc, "a/b/file.bin", data, false), data)
	u.sendAll(10)
	u.finish()
	keep := content(11, 0)
	u = e.open(lc, announce(t, lc, "keep.bin", keep, false), keep)
	u.sendAll(11)
	u.finish()

	requireCode(t, lc.DeleteFiles(ctx, "", "a/b", "nothing"), gokuai.CodeFileNotFound)
	_, err = lc.FileInfo(ctx, "a/b/file.bin")
	require.NoError(t, err, "a refused del deletes nothing")
	require.NoError(t, lc.DeleteFiles(ctx, "", "a/b", "keep.bin"))
	for _, p := range []string{"a/b", "a/b/c", "a/b/file.bin", "keep.bin"} {
		_, err = lc.FileInfo(ctx, p)
		requireCode(t, err, gokuai.CodeFileNotFound)
	}
	a, err := lc.FileInfo(ctx, "a")
	require.NoError(t, err)
	var byHash gokuai.File
	require.NoError(t, lc.Call(ctx, "info", gokuai.PathFileInfo, gokuai.Params{"hash": string(a.Hash)}, &byHash))
	assert.Equal(t, *a, byHash)
	assert.Empty(t, e.files(gokuaiemu.DevMountID))
}

// TestUploadServerCORS: a browser's preflight for the upload routes is allowed the
// x-gk-upload-* headers, and answers let it read what it needs.
func TestUploadServerCORS(t *testing.T) {
	e := newEnv(t, "")
	req, err := http.NewRequest("OPTIONS", e.srv.URL()+gokuaiemu.UploadPrefix+"/upload_part", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "http://localhost:5173")
	req.Header.Set("Access-Control-Request-Method", "PUT")
	req.Header.Set("Access-Control-Request-Headers", "x-gk-upload-session, x-gk-upload-range, x-gk-upload-crc, content-type")
	resp, err := e.srv.HTTPClient().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 204, resp.StatusCode)
	assert.Equal(t, "http://localhost:5173", resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, resp.Header.Get("Access-Control-Allow-Methods"), "PUT")
	assert.Equal(t, "x-gk-upload-session, x-gk-upload-range, x-gk-upload-crc, content-type",
		resp.Header.Get("Access-Control-Allow-Headers"))

	req, err = http.NewRequest("GET", e.srv.URL()+gokuaiemu.UploadPrefix+"/upload_req", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "http://localhost:5173")
	resp, err = e.srv.HTTPClient().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 401, resp.StatusCode, "no session")
	assert.Equal(t, "http://localhost:5173", resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, resp.Header.Get("Access-Control-Expose-Headers"), "X-Request-Id")
}

// TestDataPlaneFaults: faults on the data plane hit upload_part and change nothing; the
// upload server's other calls (the control plane's: the token function makes them) are
// not hit; the upload resumes from upload_req once they stop.
func TestDataPlaneFaults(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	lc, _ := e.libClient(gokuaiemu.DevOrgID)
	data := content(3000, 8)
	u := e.open(lc, announce(t, lc, "f.bin", data, false), data)
	require.NoError(t, u.send(0, 1000))
	require.NoError(t, e.kit().SetFaults(emukit.FaultConfig{Seed: 1, DataPlane: emukit.PlaneFaults{Rate: 1, Kinds: []string{"500"}}}))
	requireCode(t, u.send(1000, 2000), gokuai.CodeServerError)
	off, err := u.c.Offset(ctx, u.session)
	require.NoError(t, err, "upload_req is on the control plane: not faulted")
	assert.Equal(t, int64(1000), off)
	_, err = lc.FileInfo(ctx, "nothing")
	requireCode(t, err, gokuai.CodeFileNotFound) // the API is on the control plane: not faulted
	require.NoError(t, e.kit().SetFaults(emukit.FaultConfig{Seed: 1, DataPlane: emukit.PlaneFaults{Rate: 1, Kinds: []string{"reset"}}}))
	var ne *upload.NetworkError
	require.ErrorAs(t, u.send(1000, 2000), &ne)
	require.NoError(t, e.kit().SetFaults(emukit.FaultConfig{}))
	u.sendAll(1000)
	u.finish()
	e.requireStored(gokuaiemu.DevMountID, "f.bin", data)

	st := e.stats()
	assert.Equal(t, uint64(1), st["PUT /m-upload/upload_part"]["500"])
	assert.Equal(t, uint64(3), st["PUT /m-upload/upload_part"]["200"])
	assert.Equal(t, uint64(1), st["PUT /m-upload/upload_part"]["reset"])
	assert.Equal(t, uint64(1), st["POST /m-upload/upload_finish"]["202"])
}

// TestExpireCredentials: /_emulator/expire {"tokens":true} revokes every library credential
// bind handed out (Gokuai's stand-in for tokens): calls signed with one are refused; an
// open session goes on (it needs no credential); bind hands out a new one.
func TestExpireCredentials(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	lc, _ := e.libClient(gokuaiemu.DevOrgID)
	data := content(2000, 5)
	u := e.open(lc, announce(t, lc, "c.bin", data, false), data)
	require.NoError(t, u.send(0, 1000))
	resp, err := e.srv.HTTPClient().Post(e.srv.URL()+"/_emulator/expire", "application/json", strings.NewReader(`{"tokens":true}`))
	require.NoError(t, err)
	var n struct{ Tokens int }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&n))
	resp.Body.Close()
	assert.Equal(t, 1, n.Tokens)
	_, err = lc.FileInfo(ctx, "c.bin")
	requireCode(t, err, gokuai.CodeInvalidClient)
	require.NoError(t, u.send(1000, 2000), "the session needs no credential")
	lc2, _ := e.libClient(gokuaiemu.DevOrgID)
	u.finish()
	_, err = lc2.FileInfo(ctx, "c.bin")
	require.NoError(t, err)
}
