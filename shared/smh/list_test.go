package smh_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/smh"
)

// TestListDirectoryPages lists a folder of files and folders page by page with its marker.
func TestListDirectoryPages(t *testing.T) {
	ctx := context.Background()
	c, srv := newClient(t)
	emu := srv.Emulator()
	for i := range 2345 {
		require.NoError(t, emu.PutFile(lib, "-", fmt.Sprintf("/big/f%04d.bin", i), make([]byte, i%7)))
	}
	require.NoError(t, emu.MakeDir(lib, "-", "/big/sub one"))
	tok := token(t, c)

	seen, dirs, bytes, pages := map[string]bool{}, 0, int64(0), 0
	marker := ""
	for {
		page, err := c.ListDirectory(ctx, tok, "-", "big", marker, 1000)
		require.NoError(t, err)
		pages++
		for _, f := range page.Contents {
			assert.False(t, seen[f.Name], "%s listed twice", f.Name)
			seen[f.Name] = true
			if f.IsDir() {
				dirs++
				continue
			}
			require.True(t, f.SizeGiven, f.Name)
			bytes += int64(f.Size)
		}
		assert.True(t, page.TotalGiven)
		assert.EqualValues(t, 2346, page.TotalNum)
		if page.NextMarker == "" {
			break
		}
		require.NotEqual(t, marker, page.NextMarker)
		marker = page.NextMarker
	}
	assert.Equal(t, 3, pages)
	assert.Len(t, seen, 2346)
	assert.Equal(t, 1, dirs)
	want := int64(0)
	for i := range 2345 {
		want += int64(i % 7)
	}
	assert.Equal(t, want, bytes)

	_, err := c.ListDirectory(ctx, tok, "-", "missing", "", 1000)
	assert.Equal(t, smh.CodeDirectoryNotFound, smh.Code(err))
	_, err = c.ListDirectory(ctx, tok, "-", "big", "", 1001)
	assert.Equal(t, smh.CodeInvalidArgument, smh.Code(err), "a limit SMH refuses is not sent")
	_, err = c.ListDirectory(ctx, tok, "-", "../x", "", 10)
	assert.Equal(t, smh.CodeInvalidArgument, smh.Code(err))
}

// cannedDoer answers every request with one body and remembers the last URL.
type cannedDoer struct {
	body string
	url  string
}

func (d *cannedDoer) Do(_ context.Context, req *smh.Request) (*smh.Response, error) {
	d.url = req.URL
	return &smh.Response{StatusCode: 200, Header: map[string]string{}, Body: []byte(d.body)}, nil
}

// TestListDirectoryAnswerShapes: SMH may send nextMarker as a number, and the root lists too.
func TestListDirectoryAnswerShapes(t *testing.T) {
	d := &cannedDoer{body: `{"path":[],"nextMarker":1000,"totalNum":"2002","contents":[{"name":"a","type":"dir"},{"name":"b.jpg","type":"image","size":"12"}]}`}
	c := &smh.Client{BaseURL: "http://x.test", LibraryID: lib, Doer: d}
	page, err := c.ListDirectory(context.Background(), "tok", "-", "/", "10 0", 5)
	require.NoError(t, err)
	assert.Equal(t, "1000", page.NextMarker)
	assert.True(t, page.TotalGiven)
	assert.EqualValues(t, 2002, page.TotalNum)
	require.Len(t, page.Contents, 2)
	assert.True(t, page.Contents[0].IsDir())
	assert.False(t, page.Contents[1].IsDir())
	assert.EqualValues(t, 12, page.Contents[1].Size)
	assert.Equal(t, "http://x.test/api/v1/directory/smhdev/-?limit=5&marker=10+0", d.url)

	d.body = `{"contents":[]}`
	page, err = c.ListDirectory(context.Background(), "tok", "-", "", "", 5)
	require.NoError(t, err)
	assert.False(t, page.TotalGiven)
	assert.Empty(t, page.NextMarker)
	assert.Equal(t, "http://x.test/api/v1/directory/smhdev/-?limit=5&marker", d.url, "the first page asks for marker paging")

	d.body = `{"contents":[],"nextMarker":{"x":1}}`
	_, err = c.ListDirectory(context.Background(), "tok", "-", "", "", 5)
	assert.Equal(t, "UnexpectedResponse", smh.Code(err))
}
