package upload_test

import (
	"context"
	"errors"
	"hash/crc32"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/gokuai/upload"
	"github.com/ferry-upload/ferry/shared/gokuai/wire"
)

// recorder is a Doer that keeps the request and answers what it is given.
type recorder struct {
	req  *wire.Request
	resp *wire.Response
	err  error
}

func (r *recorder) Do(_ context.Context, req *wire.Request) (*wire.Response, error) {
	r.req = req
	if r.err != nil {
		return nil, r.err
	}
	return r.resp, nil
}

func newClient(status int, body string) (*upload.Client, *recorder) {
	rec := &recorder{resp: &wire.Response{StatusCode: status, Body: []byte(body)}}
	return &upload.Client{Server: "http://up.example/m-upload", OrgClientID: "org id+1", Doer: rec}, rec
}

// TestRequests: each call's method, URL and headers as the SDKs send them: the
// org_client_id in upload_init's query only, the name URL-encoded, the SHA-1 in lower
// case, the session header after init, an inclusive range and a decimal CRC-32.
func TestRequests(t *testing.T) {
	ctx := context.Background()
	c, rec := newClient(200, `{"session":"s1"}`)
	s, err := c.Init(ctx, upload.InitRequest{PathHash: "ph", FileName: "a b/é.txt", SHA1: "ABCDEF", Size: 12})
	require.NoError(t, err)
	assert.Equal(t, upload.Session{ID: "s1"}, *s)
	assert.Equal(t, "POST", rec.req.Method)
	assert.Equal(t, "http://up.example/m-upload/upload_init?org_client_id="+url.QueryEscape("org id+1"), rec.req.URL)
	assert.Equal(t, map[string]string{upload.HeaderPathHash: "ph", upload.HeaderFileName: "a+b%2F%C3%A9.txt",
		upload.HeaderFileHash: "abcdef", upload.HeaderFileSize: "12"}, rec.req.Header)

	data := []byte("hello, world")
	rec.resp = &wire.Response{StatusCode: 200}
	complete, err := c.Part(ctx, "s1", 100, data)
	require.NoError(t, err)
	assert.False(t, complete)
	assert.Equal(t, "PUT", rec.req.Method)
	assert.Equal(t, "http://up.example/m-upload/upload_part", rec.req.URL)
	assert.Equal(t, map[string]string{upload.HeaderSession: "s1", upload.HeaderRange: "100-111",
		upload.HeaderCRC: strconv.FormatUint(uint64(crc32.ChecksumIEEE(data)), 10),
		"Content-Type":   "application/octet-stream"}, rec.req.Header)
	assert.Equal(t, data, rec.req.Body)

	rec.resp = &wire.Response{StatusCode: 200, Body: []byte("4096\n")}
	off, err := c.Offset(ctx, "s1")
	require.NoError(t, err)
	assert.Equal(t, int64(4096), off)
	assert.Equal(t, "GET", rec.req.Method)
	assert.Equal(t, map[string]string{upload.HeaderSession: "s1"}, rec.req.Header)

	rec.resp = &wire.Response{StatusCode: 200}
	require.NoError(t, c.Abort(ctx, "s1"))
	assert.Equal(t, "http://up.example/m-upload/upload_abort", rec.req.URL)

	rec.req = nil
	for name, call := range map[string]func() error{
		"empty part": func() error { _, err := c.Part(ctx, "s1", 0, nil); return err },
		"huge part":  func() error { _, err := c.Part(ctx, "s1", 0, make([]byte, upload.MaxPartSize+1)); return err },
		"no session": func() error { _, err := c.Offset(ctx, ""); return err },
		"negative size": func() error {
			_, err := c.Init(ctx, upload.InitRequest{PathHash: "p", FileName: "n", SHA1: "s", Size: -1})
			return err
		},
	} {
		assert.Equal(t, upload.CodeInvalidArgument, upload.Code(call()), name)
	}
	assert.Nil(t, rec.req, "nothing was sent")
}

// TestAnswers: 202s, a 409 naming the offset (a string or a number), error bodies with
// codes as numbers or strings, error bodies in a 200, network errors without the URL.
func TestAnswers(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(202, ``)
	s, err := c.Init(ctx, upload.InitRequest{PathHash: "p", FileName: "n", SHA1: "s", Size: 1})
	require.NoError(t, err)
	assert.True(t, s.Complete)
	done, err := c.Part(ctx, "s", 0, []byte{1})
	require.NoError(t, err)
	assert.True(t, done)
	f, err := c.Finish(ctx, "s")
	require.NoError(t, err)
	assert.True(t, f.Pending)

	for _, body := range []string{`{"expect":"1000"}`, `{"expect":1000}`} {
		c, _ = newClient(409, body)
		_, err = c.Part(ctx, "s", 0, []byte{1})
		n, ok := upload.ExpectedOffset(err)
		require.True(t, ok, body)
		assert.Equal(t, int64(1000), n)
	}
	c, _ = newClient(409, `{"error_code":40901,"error_msg":"exists"}`)
	_, err = c.Finish(ctx, "s")
	assert.Equal(t, upload.CodeFileExists, upload.Code(err))

	c, _ = newClient(401, `{"error_code":"40104","error_msg":"session"}`)
	_, err = c.Offset(ctx, "s")
	var ue *upload.Error
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, upload.Error{Code: upload.CodeSessionInvalid, Status: 401, ServiceCode: 40104, Message: "session"}, *ue)

	c, _ = newClient(200, `{"error_code":40002,"error_msg":"crc"}`)
	_, err = c.Part(ctx, "s", 0, []byte{1})
	assert.Equal(t, upload.CodeChecksumMismatch, upload.Code(err), "an error body in a 200 is an error")

	c, _ = newClient(502, `<html>`)
	_, err = c.Offset(ctx, "s")
	assert.Equal(t, upload.CodeServerError, upload.Code(err))

	for _, body := range []string{``, `-1`, `abc`, `1.5`} {
		c, _ = newClient(200, body)
		_, err = c.Offset(ctx, "s")
		assert.Equal(t, upload.CodeUnexpectedResponse, upload.Code(err), body)
	}
	c, _ = newClient(200, `{}`)
	_, err = c.Init(ctx, upload.InitRequest{PathHash: "p", FileName: "n", SHA1: "s", Size: 1})
	assert.Equal(t, upload.CodeUnexpectedResponse, upload.Code(err))

	c, _ = newClient(200, `{"hash":"h","fullpath":"a/b","filehash":"x","filesize":"7"}`)
	f, err = c.Finish(ctx, "s")
	require.NoError(t, err)
	assert.Equal(t, upload.Finished{File: upload.File{Hash: "h", FullPath: "a/b", FileHash: "x", FileSize: 7}}, *f)

	c, rec := newClient(200, ``)
	rec.err = errors.New("connection reset")
	_, err = c.Part(ctx, "s", 0, []byte{1})
	var ne *upload.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.Equal(t, "upload_part", ne.Op)
	assert.NotContains(t, err.Error(), "up.example")
}
