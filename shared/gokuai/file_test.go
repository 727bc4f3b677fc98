package gokuai_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/gokuai"
)

// formOf decodes a recorded request's form body.
func formOf(t *testing.T, req *gokuai.Request) map[string]string {
	t.Helper()
	form, err := url.ParseQuery(string(req.Body))
	require.NoError(t, err)
	got := map[string]string{}
	for k, v := range form {
		require.Len(t, v, 1)
		got[k] = v[0]
	}
	return got
}

// TestCreateFileSignsWithoutHashAndSize: create_file sends filehash (lower case) and
// filesize but leaves them out of the sign, with the library credential as org_client_id.
func TestCreateFileSignsWithoutHashAndSize(t *testing.T) {
	c, rec := newRecorded(`{"fullpath":"a/b.txt","hash":"h","state":"0","server":"up.example:8080/m-upload, up2.example"}`)
	c.Library = true
	sum := strings.Repeat("AB", 20)
	out, err := c.CreateFile(context.Background(), gokuai.CreateFileRequest{Path: "a/b.txt", Size: 0, SHA1: sum, OpName: "ferry"})
	require.NoError(t, err)
	assert.Equal(t, "https://gk.example/m-open"+gokuai.PathCreateFile, rec.req.URL)
	got := formOf(t, rec.req)
	sign := got["sign"]
	delete(got, "sign")
	assert.Equal(t, map[string]string{"org_client_id": "cid", "dateline": "1700000000", "fullpath": "a/b.txt",
		"filehash": strings.ToLower(sum), "filesize": "0", "overwrite": "0", "op_name": "ferry"}, got)
	assert.True(t, gokuai.VerifySign("sec", got, sign, "filehash", "filesize"))
	assert.False(t, gokuai.VerifySign("sec", got, sign), "filehash and filesize are not signed")

	assert.False(t, out.Instant())
	server, err := out.UploadServer()
	require.NoError(t, err)
	assert.Equal(t, "http://up.example:8080/m-upload", server)
}

// TestFileCalls: info, del (paths joined by '|') and create_folder send what the service
// reads; file calls need a library credential and a clean path, checked before sending.
func TestFileCalls(t *testing.T) {
	ctx := context.Background()
	c, rec := newRecorded(`{"hash":"h","dir":"0","fullpath":"a/b.txt","filename":"b.txt","filehash":"x","filesize":"12"}`)
	c.Library = true
	f, err := c.FileInfo(ctx, "a/b.txt")
	require.NoError(t, err)
	assert.Equal(t, gokuai.Int(12), f.FileSize)
	assert.Equal(t, "a/b.txt", formOf(t, rec.req)["fullpath"])
	assert.Equal(t, "https://gk.example/m-open"+gokuai.PathFileInfo, rec.req.URL)

	require.NoError(t, c.DeleteFiles(ctx, "op", "a/b.txt", "c"))
	got := formOf(t, rec.req)
	assert.Equal(t, "a/b.txt|c", got["fullpaths"])
	assert.Equal(t, "op", got["op_name"])

	rec.resp.Body = []byte(`{"hash":"h2","fullpath":"d/e"}`)
	folder, err := c.CreateFolder(ctx, "d/e", "")
	require.NoError(t, err)
	assert.Equal(t, gokuai.Folder{Hash: "h2", FullPath: "d/e"}, *folder)
	_, hasOp := formOf(t, rec.req)["op_name"]
	assert.False(t, hasOp)

	rec.req = nil
	ent, _ := newRecorded(`{}`)
	sha := strings.Repeat("a", 40)
	for name, call := range map[string]func() error{
		"enterprise credential": func() error { _, err := ent.FileInfo(ctx, "a"); return err },
		"leading slash":         func() error { _, err := c.FileInfo(ctx, "/a"); return err },
		"dot dot":               func() error { _, err := c.CreateFolder(ctx, "a/../b", ""); return err },
		"empty name":            func() error { return c.DeleteFiles(ctx, "", "a//b") },
		"pipe in del":           func() error { return c.DeleteFiles(ctx, "", "a|b") },
		"no path":               func() error { return c.DeleteFiles(ctx, "") },
		"short sha1": func() error {
			_, err := c.CreateFile(ctx, gokuai.CreateFileRequest{Path: "a", SHA1: "abc"})
			return err
		},
		"negative size": func() error {
			_, err := c.CreateFile(ctx, gokuai.CreateFileRequest{Path: "a", SHA1: sha, Size: -1})
			return err
		},
	} {
		assert.Equal(t, gokuai.CodeInvalidArgument, gokuai.Code(call()), name)
	}
	assert.Nil(t, rec.req, "nothing was sent")

	c, _ = newRecorded(`{"fullpath":"a","hash":"h","state":7}`)
	c.Library = true
	_, err = c.CreateFile(ctx, gokuai.CreateFileRequest{Path: "a", SHA1: sha})
	assert.Equal(t, gokuai.CodeUnexpectedResponse, gokuai.Code(err), "an unknown state is not guessed at")
}

// TestParseUploadServer: the first of a comma-separated list, http:// when the scheme is
// missing; what is not a server address is refused.
func TestParseUploadServer(t *testing.T) {
	for in, want := range map[string]string{
		"up.gokuai.com":                       "http://up.gokuai.com",
		"up1.gokuai.com,up2.gokuai.com":       "http://up1.gokuai.com",
		" https://up.gokuai.com/ , x":         "https://up.gokuai.com",
		"127.0.0.1:9100/m-upload":             "http://127.0.0.1:9100/m-upload",
		"http://[::1]:9100/m-upload":          "http://[::1]:9100/m-upload",
		"":                                    "",
		"ftp://up.gokuai.com":                 "",
		"http://":                             "",
		"http://user@up.gokuai.com":           "",
		"http://up.gokuai.com/a?b":            "",
		"up.gokuai.com/with space":            "",
		"javascript://up.gokuai.com/%0aalert": "",
	} {
		got, err := gokuai.ParseUploadServer(in)
		if want == "" {
			assert.Error(t, err, in)
			continue
		}
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}
