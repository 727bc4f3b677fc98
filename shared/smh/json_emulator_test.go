package smh_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/hashes/gosha"
	"github.com/ferry-upload/ferry/shared/smh"
)

// recorder keeps every answer body the emulator sent.
type recorder struct {
	smh.Doer
	mu     sync.Mutex
	bodies [][]byte
}

func (r *recorder) Do(ctx context.Context, req *smh.Request) (*smh.Response, error) {
	resp, err := r.Doer.Do(ctx, req)
	if err == nil && len(resp.Body) > 0 {
		r.mu.Lock()
		r.bodies = append(r.bodies, resp.Body)
		r.mu.Unlock()
	}
	return resp, err
}

// The client reads SMH's answers with hand codecs: each real answer of the emulator (tokens,
// upload info, task states, file objects, listings, errors) decodes into every answer type
// exactly as encoding/json decodes it.
func TestEmulatorAnswersDecodeLikeEncodingJSON(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	rec := &recorder{Doer: c.Doer}
	c.Doer = rec
	tok := token(t, c, "upload_file", "create_directory")

	require.NoError(t, c.CreateDirectory(ctx, tok, "-", "d"))
	data := randomBytes(t, 1<<20+5)
	res, err := c.Begin(ctx, tok, "-", smh.BeginRequest{Path: "d/m.bin", Multipart: true, Size: int64(len(data)), Labels: []string{"l"}})
	require.NoError(t, err)
	put(t, c, res.Upload, 1, data[:1<<20])
	_, err = c.Renew(ctx, tok, "-", res.Upload.ConfirmKey)
	require.NoError(t, err)
	_, err = c.State(ctx, tok, "-", res.Upload.ConfirmKey)
	require.NoError(t, err)
	put(t, c, res.Upload, 2, data[1<<20:])
	_, err = c.Confirm(ctx, tok, "-", res.Upload.ConfirmKey, smh.ConfirmRequest{Crc64: "1"}) // BadCrc64
	require.Error(t, err)
	_, err = c.Confirm(ctx, tok, "-", res.Upload.ConfirmKey, smh.ConfirmRequest{})
	require.NoError(t, err)
	begin, full := gosha.Sum(data)
	_, err = c.Begin(ctx, tok, "-", smh.BeginRequest{Path: "d/q.bin", Size: int64(len(data)), BeginningHash: begin, FullHash: full})
	require.NoError(t, err)
	_, err = c.FileInfo(ctx, tok, "-", "d/m.bin")
	require.NoError(t, err)
	_, err = c.ListDirectory(ctx, tok, "-", "d", "", 1)
	require.NoError(t, err)
	_, err = c.ListFiles(ctx, tok, "-", "d", 10)
	require.NoError(t, err)
	_, err = c.FileInfo(ctx, tok, "-", "d/none.bin") // an error answer
	require.Error(t, err)

	require.GreaterOrEqual(t, len(rec.bodies), 10)
	for _, b := range rec.bodies {
		smh.DecodesLikeEncodingJSON(t, string(b))
	}
}
