package gokuaiemu_test

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/emukit"
	"github.com/ferry-upload/ferry/shared/gokuai"
	"github.com/ferry-upload/ferry/shared/gokuai/gokuaihttp"
	"github.com/ferry-upload/ferry/shared/gokuai/upload"
)

func sha1hex(b []byte) string   { s := sha1.Sum(b); return hex.EncodeToString(s[:]) }
func sha256hex(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// content is n deterministic bytes.
func content(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i%251) + seed
	}
	return b
}

// announce is create_file for data at path; it fails the test on an error.
func announce(t *testing.T, lc *gokuai.Client, path string, data []byte, overwrite bool) *gokuai.CreatedFile {
	t.Helper()
	cf, err := lc.CreateFile(context.Background(), gokuai.CreateFileRequest{Path: path, Size: int64(len(data)),
		SHA1: sha1hex(data), Overwrite: overwrite})
	require.NoError(t, err)
	return cf
}

// uploader is the browser's side of one upload: the upload-server client and session.
type uploader struct {
	t       *testing.T
	c       *upload.Client
	session string
	data    []byte
}

// open runs upload_init for an announced file.
func (e *env) open(lc *gokuai.Client, cf *gokuai.CreatedFile, data []byte) *uploader {
	e.t.Helper()
	require.False(e.t, cf.Instant())
	server, err := cf.UploadServer()
	require.NoError(e.t, err)
	c := &upload.Client{Server: server, OrgClientID: lc.ClientID, Doer: gokuaihttp.Doer{Client: e.srv.HTTPClient()}}
	s, err := c.Init(context.Background(), upload.InitRequest{PathHash: string(cf.Hash),
		FileName: filepath.Base(string(cf.FullPath)), SHA1: sha1hex(data), Size: int64(len(data))})
	require.NoError(e.t, err)
	require.False(e.t, s.Complete)
	require.NotEmpty(e.t, s.ID)
	return &uploader{t: e.t, c: c, session: s.ID, data: data}
}

// send sends data[from:to] as one part.
func (u *uploader) send(from, to int) error {
	_, err := u.c.Part(context.Background(), u.session, int64(from), u.data[from:to])
	return err
}

// sendAll sends what the server lacks, partSize at a time, from the offset it answers.
func (u *uploader) sendAll(partSize int) {
	u.t.Helper()
	off, err := u.c.Offset(context.Background(), u.session)
	require.NoError(u.t, err)
	for o := int(off); o < len(u.data); o += partSize {
		require.NoError(u.t, u.send(o, min(o+partSize, len(u.data))))
	}
}

// finish polls upload_finish: the first answer is 202, the next 200.
func (u *uploader) finish() upload.File {
	u.t.Helper()
	f, err := u.c.Finish(context.Background(), u.session)
	require.NoError(u.t, err)
	require.True(u.t, f.Pending, "the first finish answers 202")
	f, err = u.c.Finish(context.Background(), u.session)
	require.NoError(u.t, err)
	require.False(u.t, f.Pending, "the next finish completes")
	return f.File
}

// fileEntry is a /_emulator/files entry.
type fileEntry struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	SHA1   string `json:"sha1"`
}

type uploadEntry struct {
	Path     string `json:"path"`
	Size     int64  `json:"size"`
	Session  string `json:"session"`
	Declared int64  `json:"declared"`
}

func (e *env) control(path string, out any) {
	e.t.Helper()
	resp, err := e.srv.HTTPClient().Get(e.srv.URL() + path)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	require.Equal(e.t, http.StatusOK, resp.StatusCode)
	require.NoError(e.t, json.NewDecoder(resp.Body).Decode(out))
}

// files lists a library's stored files by mount id.
func (e *env) files(mount int64) map[string]fileEntry {
	var l []fileEntry
	e.control("/_emulator/files?library="+strconv.FormatInt(mount, 10), &l)
	out := map[string]fileEntry{}
	for _, f := range l {
		out[f.Path] = f
	}
	return out
}

func (e *env) uploads(mount int64) []uploadEntry {
	var l []uploadEntry
	e.control("/_emulator/uploads?library="+strconv.FormatInt(mount, 10), &l)
	return l
}

// requireStored fails unless path holds exactly data.
func (e *env) requireStored(mount int64, path string, data []byte) {
	e.t.Helper()
	f, ok := e.files(mount)["/"+path]
	require.True(e.t, ok, "%s is stored", path)
	require.Equal(e.t, fileEntry{Path: "/" + path, Size: int64(len(data)), SHA256: sha256hex(data), SHA1: sha1hex(data)}, f)
}

// kit is the emulator's kit.
func (e *env) kit() *emukit.Kit { return e.srv.Emulator().Kit() }

// countFiles counts the files under dir (recursively); 0 when it does not exist.
func countFiles(t *testing.T, dir string) int {
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return filepath.SkipDir
			}
			return err
		}
		if !d.IsDir() {
			n++
		}
		return nil
	})
	require.NoError(t, err)
	return n
}

// postSigned sends create_file-style params signed by c (filehash and filesize sent but
// not signed) to an API path; mutate, when not nil, changes them after signing.
func (e *env) postSigned(c *gokuai.Client, path string, params gokuai.Params, mutate func(gokuai.Params)) (int, string) {
	e.t.Helper()
	p := c.Signed(params, "filehash", "filesize")
	if mutate != nil {
		mutate(p)
	}
	req, err := http.NewRequest("POST", e.srv.APIBase()+path, strings.NewReader(string(gokuai.Encode(p))))
	require.NoError(e.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := e.srv.HTTPClient().Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return resp.StatusCode, string(b)
}
