package smh_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/shared/hashes/gosha"
	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/smh"
	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
	"github.com/ferry-upload/ferry/shared/smhemu"
)

const (
	lib    = "smhdev"
	secret = "devsecret"
)

func newClient(t *testing.T) (*smh.Client, *smhemu.Server) {
	t.Helper()
	srv, err := smhemu.NewServer(smhemu.Options{})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return &smh.Client{BaseURL: srv.URL(), LibraryID: lib, Doer: smhhttp.Doer{Client: srv.HTTPClient()}}, srv
}

func token(t *testing.T, c *smh.Client, grants ...string) string {
	t.Helper()
	tok, err := c.CreateToken(context.Background(), smh.TokenRequest{Secret: secret, UserID: "u1", Grants: grants, Period: 600})
	require.NoError(t, err)
	require.NotEmpty(t, tok.AccessToken)
	assert.Equal(t, 600, tok.ExpiresIn)
	return tok.AccessToken
}

// put sends bytes to the data plane the way a browser would: every signed header as given.
func put(t *testing.T, c *smh.Client, info *smh.UploadInfo, part int, body []byte) *smh.Response {
	t.Helper()
	resp, err := smhhttp.Doer{}.Do(context.Background(), &smh.Request{Method: "PUT", URL: c.DataURL(info, part), Header: info.Headers, Body: body})
	require.NoError(t, err)
	return resp
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

func TestMultipartFlow(t *testing.T) {
	ctx := context.Background()
	c, srv := newClient(t)
	tok := token(t, c, "upload_file", "create_directory")

	require.NoError(t, c.CreateDirectory(ctx, tok, "-", "a/b c"))
	require.NoError(t, c.CreateDirectory(ctx, tok, "-", "a/b c"), "an existing directory is success")

	p1, p2 := randomBytes(t, 1<<20), randomBytes(t, 12345)
	res, err := c.Begin(ctx, tok, "-", smh.BeginRequest{Path: "a/b c/file #1.bin", Multipart: true, Size: int64(len(p1) + len(p2)),
		Labels: []string{"x"}, Meta: map[string]string{"k": "v"}})
	require.NoError(t, err)
	require.NotNil(t, res.Upload)
	assert.NotEmpty(t, res.Upload.UploadID)

	crc := uint64(0)
	for i, p := range [][]byte{p1, p2} {
		resp := put(t, c, res.Upload, i+1, p)
		require.Equal(t, 200, resp.StatusCode, string(resp.Body))
		assert.NotEmpty(t, resp.Header["etag"])
		assert.Equal(t, strconv.FormatUint(hashes.CRC64(p), 10), resp.Header["x-cos-hash-crc64ecma"])
		if i == 0 {
			crc = hashes.CRC64(p)
		} else {
			crc = hashes.CombineCRC64(crc, hashes.CRC64(p), int64(len(p)))
		}
	}

	st, err := c.State(ctx, tok, "-", res.Upload.ConfirmKey)
	require.NoError(t, err)
	require.Len(t, st.Parts, 2)
	assert.Equal(t, int64(len(p2)), st.Parts[1].Size)

	_, err = c.Confirm(ctx, tok, "-", res.Upload.ConfirmKey, smh.ConfirmRequest{Crc64: strconv.FormatUint(crc+1, 10)})
	assert.Equal(t, smh.CodeBadCrc64, smh.Code(err))
	assert.Equal(t, 400, smh.Status(err))

	f, err := c.Confirm(ctx, tok, "-", res.Upload.ConfirmKey, smh.ConfirmRequest{Crc64: strconv.FormatUint(crc, 10)})
	require.NoError(t, err)
	assert.Equal(t, "file #1.bin", f.Name)
	assert.Equal(t, smh.Int64(len(p1)+len(p2)), f.Size)
	assert.Equal(t, strconv.FormatUint(crc, 10), f.Crc64)

	files, err := srv.Emulator().Files(lib, "-")
	require.NoError(t, err)
	require.Len(t, files, 1)
	assert.Equal(t, "/a/b c/file #1.bin", files[0].Path)

	info, err := c.FileInfo(ctx, tok, "-", "a/b c/file #1.bin")
	require.NoError(t, err)
	assert.Equal(t, "v", info.MetaData["x-smh-meta-k"])
}

func TestSimpleUploadRenewCancel(t *testing.T) {
	ctx := context.Background()
	c, srv := newClient(t)
	tok := token(t, c, "upload_file")
	body := []byte("hello")
	res, err := c.Begin(ctx, tok, "-", smh.BeginRequest{Path: "hello.txt", Size: 5})
	require.NoError(t, err)
	assert.False(t, res.Upload.Expiration.IsZero())
	require.Equal(t, 200, put(t, c, res.Upload, 0, body).StatusCode)
	_, err = c.Renew(ctx, tok, "-", res.Upload.ConfirmKey)
	assert.Equal(t, "NotMultipartUpload", smh.Code(err), "simple uploads are begun again, not renewed")

	require.NoError(t, c.Cancel(ctx, tok, "-", res.Upload.ConfirmKey))
	open, err := srv.Emulator().OpenUploads(lib, "-")
	require.NoError(t, err)
	assert.Empty(t, open)
	_, err = c.Confirm(ctx, tok, "-", res.Upload.ConfirmKey, smh.ConfirmRequest{})
	assert.Equal(t, smh.CodeUploadNotFound, smh.Code(err))
}

func TestQuickUpload(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	tok := token(t, c, "upload_file")
	data := randomBytes(t, 3<<20/2)
	begin, full := gosha.Sum(data)

	// Store the file once.
	res, err := c.Begin(ctx, tok, "-", smh.BeginRequest{Path: "one.bin", Size: int64(len(data))})
	require.NoError(t, err)
	require.Equal(t, 200, put(t, c, res.Upload, 0, data).StatusCode)
	_, err = c.Confirm(ctx, tok, "-", res.Upload.ConfirmKey, smh.ConfirmRequest{})
	require.NoError(t, err)

	res, err = c.Begin(ctx, tok, "-", smh.BeginRequest{Path: "two.bin", Size: int64(len(data)), BeginningHash: begin})
	require.NoError(t, err)
	assert.True(t, res.QuickCandidate())
	res, err = c.Begin(ctx, tok, "-", smh.BeginRequest{Path: "two.bin", Size: int64(len(data)), BeginningHash: begin, FullHash: full})
	require.NoError(t, err)
	require.NotNil(t, res.File, "full-hash match completes the upload")
	assert.Equal(t, "two.bin", res.File.Name)

	// A miss answers upload info.
	res, err = c.Begin(ctx, tok, "-", smh.BeginRequest{Path: "three.bin", Size: int64(len(data)), BeginningHash: strings.Repeat("0", 64)})
	require.NoError(t, err)
	assert.NotNil(t, res.Upload)
}

func TestErrorsAreTyped(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	readOnly := token(t, c)

	_, err := c.Begin(ctx, readOnly, "-", smh.BeginRequest{Path: "x.bin", Size: 1})
	assert.Equal(t, smh.CodeNoPermission, smh.Code(err))
	assert.Equal(t, 403, smh.Status(err))

	_, err = c.Begin(ctx, "not-a-token", "-", smh.BeginRequest{Path: "x.bin", Size: 1})
	assert.Equal(t, smh.CodeInvalidAccessToken, smh.Code(err))

	tok := token(t, c, "upload_file")
	_, err = c.Begin(ctx, tok, "-", smh.BeginRequest{Path: "missing/x.bin", Size: 1})
	assert.Equal(t, smh.CodeDirectoryNotFound, smh.Code(err))

	_, err = c.CreateToken(ctx, smh.TokenRequest{Secret: "Zq9-not-the-secret"})
	assert.Equal(t, "WrongLibraryIdOrSecret", smh.Code(err))
	assert.NotContains(t, err.Error(), "Zq9-not-the-secret", "the secret never appears in an error")
}

func TestDataPlaneExpiry(t *testing.T) {
	ctx := context.Background()
	c, srv := newClient(t)
	tok := token(t, c, "upload_file")
	part := randomBytes(t, 1<<20)
	res, err := c.Begin(ctx, tok, "-", smh.BeginRequest{Path: "late.bin", Size: int64(len(part)), Multipart: true})
	require.NoError(t, err)
	srv.Emulator().ExpireNow(false, true)
	perr := smh.ParseDataPlaneError(put(t, c, res.Upload, 1, part))
	require.NotNil(t, perr)
	assert.True(t, smh.IsUploadExpired(perr), "%v", perr)

	info, err := c.Renew(ctx, tok, "-", res.Upload.ConfirmKey)
	require.NoError(t, err)
	assert.Equal(t, res.Upload.ConfirmKey, info.ConfirmKey)
	assert.Nil(t, smh.ParseDataPlaneError(put(t, c, info, 1, part)))
}

func TestNetworkErrorHidesURL(t *testing.T) {
	c := &smh.Client{BaseURL: "http://127.0.0.1:1", LibraryID: lib, Doer: smhhttp.Doer{Client: &http.Client{}}}
	_, err := c.CreateToken(context.Background(), smh.TokenRequest{Secret: "s3cr3t-value"})
	var ne *smh.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.NotContains(t, err.Error(), "s3cr3t-value")
	assert.NotContains(t, err.Error(), "library_secret")
}

func TestHeadersAcceptNumbers(t *testing.T) {
	var h smh.Headers
	require.NoError(t, h.UnmarshalJSON([]byte(`{"a":"x","x-cos-traffic-limit":102400}`)))
	assert.Equal(t, smh.Headers{"a": "x", "x-cos-traffic-limit": "102400"}, h)
	var info smh.UploadInfo
	require.NoError(t, jsonx.Decode([]byte(`{"headers":{"a":"x","x-cos-traffic-limit":102400}}`), &info))
	assert.Equal(t, smh.Headers{"a": "x", "x-cos-traffic-limit": "102400"}, info.Headers)
	b, err := json.Marshal(smh.File{Size: 17})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"size":"17"`, "file objects carry size as a string, as SMH sends it")
	assert.Contains(t, string(jsonx.Encode(&smh.File{Size: 17})), `"size":"17"`)
	// Sizes come as strings or numbers: through the hand codec, and through encoding/json
	// (the token function's tests read its confirm answer so).
	decoders := map[string]func([]byte, *smh.File) error{
		"jsonx":         func(b []byte, f *smh.File) error { return jsonx.Decode(b, f) },
		"encoding/json": func(b []byte, f *smh.File) error { return json.Unmarshal(b, f) },
	}
	for name, decode := range decoders {
		for in, want := range map[string]smh.File{`{"size":"1048576"}`: {Size: 1048576, SizeGiven: true},
			`{"size":12}`: {Size: 12, SizeGiven: true}, `{"size":null}`: {}, `{"name":"n"}`: {Name: "n"}} {
			var f smh.File
			require.NoError(t, decode([]byte(in), &f), "%s %s", name, in)
			assert.Equal(t, want, f, "%s %s", name, in)
		}
		var f smh.File
		assert.Error(t, decode([]byte(`{"size":"x"}`), &f), name)
	}
}

// TestCreateTokenAttachInfo: attach info travels as the JSON object given; JSON that is not
// well formed is refused before anything is sent.
func TestCreateTokenAttachInfo(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	rec := &bodyRecorder{Doer: c.Doer}
	c.Doer = rec
	tok, err := c.CreateToken(ctx, smh.TokenRequest{Secret: secret, UserID: "u1", Period: 600,
		AttachInfo: jsonx.RawMessage(`{"operatorPhoneNumber": "18628769878"}`)})
	require.NoError(t, err)
	assert.NotEmpty(t, tok.AccessToken)
	require.Len(t, rec.bodies, 1)
	assert.Equal(t, `{"attachInfo":{"operatorPhoneNumber":"18628769878"}}`, string(rec.bodies[0]))
	assert.Equal(t, "application/json", rec.types[0])

	_, err = c.CreateToken(ctx, smh.TokenRequest{Secret: secret, UserID: "u1", AttachInfo: jsonx.RawMessage(`{"a":`)})
	assert.Equal(t, smh.CodeInvalidArgument, smh.Code(err))
	assert.Len(t, rec.bodies, 1, "nothing sent")

	_, err = c.CreateToken(ctx, smh.TokenRequest{Secret: secret, UserID: "u1"})
	require.NoError(t, err)
	assert.Equal(t, [][]byte{rec.bodies[0], nil}, rec.bodies, "no attach info, no body")
}

// bodyRecorder keeps every request body sent and its content type.
type bodyRecorder struct {
	smh.Doer
	bodies [][]byte
	types  []string
}

func (r *bodyRecorder) Do(ctx context.Context, req *smh.Request) (*smh.Response, error) {
	r.bodies = append(r.bodies, req.Body)
	r.types = append(r.types, req.Header["Content-Type"])
	return r.Doer.Do(ctx, req)
}

func TestDataURL(t *testing.T) {
	c := &smh.Client{BaseURL: "http://127.0.0.1:9100"}
	info := &smh.UploadInfo{Domain: "127.0.0.1:9100", Path: "cos/k", UploadID: "u+1"}
	assert.Equal(t, "http://127.0.0.1:9100/cos/k", c.DataURL(info, 0))
	assert.Equal(t, "http://127.0.0.1:9100/cos/k?partNumber=3&uploadId=u%2B1", c.DataURL(info, 3))
	c.BaseURL = "https://x.example"
	assert.True(t, bytes.HasPrefix([]byte(c.DataURL(info, 0)), []byte("https://")))
}

func TestClientRefusesRouteChangingInput(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	tok := token(t, c, "upload_file")
	for _, key := range []string{"", ".", "..", "../../token/smhdev"} {
		_, err := c.State(ctx, tok, "-", key)
		if key == "../../token/smhdev" {
			// One escaped segment: the server sees a bad or unknown task, not another route.
			assert.Contains(t, []string{smh.CodeUploadNotFound, "InvalidPath"}, smh.Code(err), "key %q", key)
			continue
		}
		assert.Equal(t, smh.CodeInvalidArgument, smh.Code(err), "key %q", key)
	}
	_, err := c.Begin(ctx, tok, "-", smh.BeginRequest{Path: "a/../b.bin"})
	assert.Equal(t, smh.CodeInvalidArgument, smh.Code(err))
	_, err = c.Begin(ctx, tok, "..", smh.BeginRequest{Path: "b.bin"})
	assert.Equal(t, smh.CodeInvalidArgument, smh.Code(err))
	assert.Equal(t, smh.CodeInvalidArgument, smh.Code(c.DeleteTokens(ctx, secret, []string{"a,b"}, nil, nil)))
	assert.Equal(t, smh.CodeInvalidArgument, smh.Code(c.DeleteTokens(ctx, secret, nil, nil, nil)))
}
