package engine_test

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/gokuaiemu"
	"github.com/ferry-upload/ferry/wasm/engine"
	"github.com/ferry-upload/ferry/wasm/engine/drivertest"
)

// The Gokuai behaviour of the brokered driver (issue 14, item 4), beyond the conformance
// suite: each part's CRC-32 in its request, the upload server's offset resync, and a file
// whose bytes are not the SHA-1 it began with.

// gokuaiEnv is one Gokuai emulator and token function (the conformance harness) with an
// engine whose part requests are recorded.
type gokuaiEnv struct {
	*gokuaiHarness
	t      *testing.T
	begins beginLog

	mu    sync.Mutex
	parts []sentPart
}

// sentPart is one part request: its range and CRC-32 headers, the CRC-32 of the bytes the
// request carried, and the status answered.
type sentPart struct {
	rng, crc string
	bodyCRC  uint32
	status   int
}

func newGokuaiEnv(t *testing.T) *gokuaiEnv {
	t.Helper()
	return &gokuaiEnv{gokuaiHarness: newGokuaiHarness(t).(*gokuaiHarness), t: t}
}

// engine is an engine of the env; answer, when set, may answer a part request instead of
// the upload server (a synthetic answer of the data plane).
func (g *gokuaiEnv) engine(stream bool, answer func(n int, req *engine.PartRequest) *engine.PartResponse) *engine.Engine {
	g.t.Helper()
	cfg := g.Config(g.t, drivertest.ConfigOptions{Control: g.begins.wrap})
	cfg.StreamParts = stream
	next := cfg.Sender
	var count atomic.Int32
	cfg.Sender = senderFunc(func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
		body := req.Body
		if body == nil {
			body = make([]byte, req.Length)
			if _, err := req.Source.ReadAt(body, req.Offset); err != nil && err != io.EOF {
				return nil, err
			}
		}
		sp := sentPart{rng: req.Header["x-gk-upload-range"], crc: req.Header["x-gk-upload-crc"], bodyCRC: crc32.ChecksumIEEE(body)}
		var resp *engine.PartResponse
		if answer != nil {
			resp = answer(int(count.Add(1)), req)
		}
		var err error
		if resp == nil {
			resp, err = next.SendPart(ctx, req)
		}
		if resp != nil {
			sp.status = resp.StatusCode
		}
		g.mu.Lock()
		g.parts = append(g.parts, sp)
		g.mu.Unlock()
		return resp, err
	})
	e, err := engine.New(cfg)
	require.NoError(g.t, err)
	g.t.Cleanup(e.Close)
	return e
}

func sha1Hex(b []byte) string { s := sha1.Sum(b); return hex.EncodeToString(s[:]) }

func (g *gokuaiEnv) sent() []sentPart {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]sentPart(nil), g.parts...)
}

func (g *gokuaiEnv) upload(e *engine.Engine, src engine.Source) (*engine.Result, error) {
	g.t.Helper()
	task, err := e.Upload(src, engine.UploadOptions{Path: "/gk/"})
	require.NoError(g.t, err)
	return task.Wait(ctxTimeout(g.t, 2*time.Minute))
}

// checkStored asserts the dev library holds exactly data at path.
func (g *gokuaiEnv) checkStored(path string, data []byte) {
	g.t.Helper()
	resp, err := http.Get(g.srv.URL() + "/_emulator/files?library=" + strconv.Itoa(gokuaiemu.DevMountID))
	require.NoError(g.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	sum := sha256.Sum256(data)
	want := `"path":"` + path + `","size":` + strconv.Itoa(len(data)) + `,"sha256":"` + hex.EncodeToString(sum[:]) + `"`
	assert.Contains(g.t, string(b), want)
}

// TestGokuaiPartsCarryCRC32: every part request names its byte range and carries the
// CRC-32 of exactly the bytes it sends, whether the engine sends the bytes it read or
// (as in a browser) the file's slice.
func TestGokuaiPartsCarryCRC32(t *testing.T) {
	t.Parallel()
	for _, stream := range []bool{false, true} {
		t.Run("stream="+strconv.FormatBool(stream), func(t *testing.T) {
			t.Parallel()
			g := newGokuaiEnv(t)
			src := randomSource(t, "c.bin", 3*engine.MiB+7)
			_, err := g.upload(g.engine(stream, nil), src)
			require.NoError(t, err)
			g.checkStored("/t/gk/c.bin", src.Data)
			sent := g.sent()
			require.Len(t, sent, 4)
			for i, p := range sent {
				off := int64(i) * engine.MiB
				end := min(off+engine.MiB, int64(len(src.Data))) - 1
				assert.Equal(t, strconv.FormatInt(off, 10)+"-"+strconv.FormatInt(end, 10), p.rng)
				assert.Equal(t, strconv.FormatUint(uint64(p.bodyCRC), 10), p.crc, "part %d", i+1)
				assert.Equal(t, 200, p.status)
			}
		})
	}
}

// TestGokuaiResync: the upload server says it holds fewer bytes than the parts taken (a
// 409 {"expect":"0"} at the third part): the engine goes back there; the parts the server
// does hold are answered 409 with their end, and count as sent; the file is stored whole.
func TestGokuaiResync(t *testing.T) {
	t.Parallel()
	g := newGokuaiEnv(t)
	src := randomSource(t, "r.bin", 3*engine.MiB+7)
	e := g.engine(true, func(n int, _ *engine.PartRequest) *engine.PartResponse {
		if n != 3 {
			return nil
		}
		return &engine.PartResponse{StatusCode: 409, Header: map[string]string{"content-type": "application/json"},
			Body: []byte(`{"expect":"0"}`)}
	})
	_, err := g.upload(e, src)
	require.NoError(t, err)
	g.checkStored("/t/gk/r.bin", src.Data)
	var got []string
	for _, p := range g.sent() {
		got = append(got, p.rng+" "+strconv.Itoa(p.status))
	}
	mib := strconv.Itoa(engine.MiB)
	two := strconv.Itoa(2 * engine.MiB)
	three := strconv.Itoa(3 * engine.MiB)
	assert.Equal(t, []string{
		"0-" + strconv.Itoa(engine.MiB-1) + " 200",
		mib + "-" + strconv.Itoa(2*engine.MiB-1) + " 200",
		two + "-" + strconv.Itoa(3*engine.MiB-1) + " 409", // the synthetic answer
		"0-" + strconv.Itoa(engine.MiB-1) + " 409",        // held: its end is expected
		mib + "-" + strconv.Itoa(2*engine.MiB-1) + " 409",
		two + "-" + strconv.Itoa(3*engine.MiB-1) + " 200",
		three + "-" + strconv.Itoa(3*engine.MiB+6) + " 200",
	}, got)
}

// changingSource is a file whose bytes change once the engine has read all of it (its
// SHA-1 taken), as a file edited while it uploads under the same name, size and time.
type changingSource struct {
	*engine.BytesSource
	mu      sync.Mutex
	read    int64
	changed []byte
}

func (c *changingSource) ReadAt(b []byte, off int64) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.read >= c.Size() {
		return bytes.NewReader(c.changed).ReadAt(b, off)
	}
	n, err := c.BytesSource.ReadAt(b, off)
	c.read += int64(n)
	return n, err
}

// TestGokuaiChangedAfterHashing: the file's bytes change after its SHA-1 began the upload;
// Gokuai drops the upload at finish (the bytes are not that SHA-1: ChecksumMismatch), and
// the engine hashes the file again and begins afresh: the new bytes are stored.
func TestGokuaiChangedAfterHashing(t *testing.T) {
	t.Parallel()
	g := newGokuaiEnv(t)
	orig := randomSource(t, "h.bin", 2*engine.MiB+5)
	changed := bytes.Clone(orig.Data)
	changed[engine.MiB+9] ^= 0x5a
	src := &changingSource{BytesSource: orig, changed: changed}
	_, err := g.upload(g.engine(false, nil), src)
	require.NoError(t, err)
	g.checkStored("/t/gk/h.bin", changed)
	names, codes := g.begins.sent()
	assert.Equal(t, []string{"", ""}, codes, "begun twice")
	assert.Equal(t, [][]string{{"sha1"}, {"sha1"}}, names)
	g.begins.mu.Lock()
	defer g.begins.mu.Unlock()
	assert.Equal(t, sha1Hex(orig.Data), g.begins.hashes[0]["sha1"])
	assert.Equal(t, sha1Hex(changed), g.begins.hashes[1]["sha1"], "the file hashed again")
}

// TestGokuaiProviderCodeBeside: a refusal carries the function's neutral code, Gokuai's own
// beside it (AlreadyExists, FileExists), as far as the page's error.
func TestGokuaiProviderCodeBeside(t *testing.T) {
	t.Parallel()
	g := newGokuaiEnv(t)
	e := g.engine(false, nil)
	src := randomSource(t, "twice.bin", 1000)
	_, err := g.upload(e, src)
	require.NoError(t, err)
	again := randomSource(t, "twice.bin", 1000)
	task, err := e.Upload(again, engine.UploadOptions{Path: "/gk/", Conflict: "ask"})
	require.NoError(t, err)
	_, err = task.Wait(ctxTimeout(t, time.Minute))
	require.Error(t, err)
	assert.Equal(t, "AlreadyExists", engine.Code(err))
	require.NotNil(t, task.Err())
	assert.Equal(t, "FileExists", task.Err().ProviderCode)
	assert.Equal(t, "FileExists", task.Snapshot().Error.ProviderCode)
}

// TestGokuaiQuickUploadCRC64: Gokuai states no CRC-64 of its files, yet the page's result
// names one (task.done's crc64), for bytes sent and for a quick upload alike; the quick
// upload reads the file once (the SHA-1's pass gives the CRC-64 too).
func TestGokuaiQuickUploadCRC64(t *testing.T) {
	t.Parallel()
	g := newGokuaiEnv(t)
	e := g.engine(false, nil)
	first := randomSource(t, "q.bin", 2*engine.MiB+3)
	want := strconv.FormatUint(crc64.Checksum(first.Data, crc64.MakeTable(crc64.ECMA)), 10)
	res, err := g.upload(e, first)
	require.NoError(t, err)
	assert.False(t, res.Rapid)
	assert.Equal(t, want, res.CRC64, "bytes sent")
	again := &countingSource{BytesSource: &engine.BytesSource{FileName: "q2.bin", Modified: first.Modified, Data: first.Data}}
	res, err = g.upload(e, again)
	require.NoError(t, err)
	assert.True(t, res.Rapid, "the second copy is stored from its SHA-1")
	assert.Equal(t, want, res.CRC64, "quick upload")
	// Once, and its first KiB again (the beginning hash that tells a resumed file unchanged).
	assert.Equal(t, again.Size()+1024, again.read.Load(), "bytes read for a quick upload")
	g.checkStored("/t/gk/q2.bin", first.Data)
}
