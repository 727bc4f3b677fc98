package engine_test

import (
	"context"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/wasm/engine"
	"github.com/ferry-upload/ferry/wasm/engine/native"
)

// countingSource counts the bytes the engine reads itself (Source.ReadAt). The sender and
// hasher below read the file around it, as the browser's XMLHttpRequest and crypto.subtle
// read the Blob without the engine.
type countingSource struct {
	*engine.BytesSource
	read atomic.Int64
}

func (s *countingSource) ReadAt(p []byte, off int64) (int, error) {
	n, err := s.BytesSource.ReadAt(p, off)
	s.read.Add(int64(n))
	return n, err
}

func uncounted(src engine.Source) engine.Source {
	if c, ok := src.(*countingSource); ok {
		return c.BytesSource
	}
	return src
}

// streamSender sends like XHRSender: the bytes the engine read when it gives a Body, else
// the part's range of the file, read outside the engine.
func streamSender(next engine.PartSender, bodies *atomic.Int32) engine.PartSender {
	return senderFunc(func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
		r := *req
		if r.Body != nil {
			bodies.Add(1)
		}
		r.Source = uncounted(r.Source)
		return next.SendPart(ctx, &r)
	})
}

type streamHasher struct{}

func (streamHasher) HashBlock(ctx context.Context, src engine.Source, off, n int64, prefix, buf []byte) ([32]byte, error) {
	return native.Hasher{}.HashBlock(ctx, uncounted(src), off, n, prefix, buf)
}

// answers rewrites the data plane's answers to parts (its CRC-64 header).
func answers(next engine.PartSender, edit func(n int, h map[string]string)) engine.PartSender {
	return senderFunc(func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
		resp, err := next.SendPart(ctx, req)
		if err == nil {
			edit(partNumber(req.URL), resp.Header)
		}
		return resp, err
	})
}

// streamConfig is the browser's configuration on h: parts stream from the source.
func streamConfig(h *harness, verify string, bodies *atomic.Int32) engine.Config {
	cfg := h.config()
	cfg.StreamParts, cfg.Verify = true, verify
	cfg.DisableQuickUpload = true
	cfg.Sender = streamSender(cfg.Sender, bodies)
	cfg.Hasher = streamHasher{}
	return cfg
}

const crcHeader = "x-cos-hash-crc64ecma"

// TestStreamedPartsVerify: streaming (the browser), a fresh upload reads no byte of the file
// in the engine when the data plane answers each part's CRC-64, and completes with the
// file's CRC-64 combined from those answers; where no CRC-64 comes back, each part is read
// once locally; verify "local" reads every byte once, and still sends the source's slice.
func TestStreamedPartsVerify(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		verify   string
		noCRC    bool
		wantRead func(size int64) int64
	}{
		{name: "data plane CRC", wantRead: func(int64) int64 { return 0 }},
		{name: "no CRC answered", noCRC: true, wantRead: func(s int64) int64 { return s }},
		{name: "verify local", verify: engine.VerifyLocal, wantRead: func(s int64) int64 { return s }},
	}
	for _, mode := range modes {
		for _, c := range cases {
			t.Run(mode+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				h := newModeHarness(t, mode)
				var bodies atomic.Int32
				cfg := streamConfig(h, c.verify, &bodies)
				if c.noCRC {
					cfg.Sender = answers(cfg.Sender, func(_ int, h map[string]string) { delete(h, crcHeader) })
				}
				e := h.engine(cfg)
				src := &countingSource{BytesSource: randomSource(t, "v.bin", 5*engine.MiB+333)}
				_, res, err := h.upload(e, src, engine.UploadOptions{Path: "/verify/"})
				require.NoError(t, err)
				h.checkStored(res.Path, src.BytesSource)
				assert.Equal(t, strconv.FormatUint(hashes.CRC64(src.Data), 10), res.CRC64)
				assert.Equal(t, c.wantRead(src.Size()), src.read.Load(), "bytes the engine read")
				assert.Zero(t, bodies.Load(), "parts sent from bytes the engine read, not the source's slice")
			})
		}
	}
}

// TestStreamedCorruptAnswer: a data plane whose answer to a part is not the CRC-64 of what
// it stored (here: the answer altered on its way) is caught, and the file still ends
// byte-identical. Streamed without local reads, the complete refuses the combined CRC-64:
// every part is then checked against the local file and the one that differs sent again;
// verify "local" sees the mismatch at the part itself and sends it again.
func TestStreamedCorruptAnswer(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		for _, verify := range []string{"", engine.VerifyLocal} {
			t.Run(mode+"/"+verify, func(t *testing.T) {
				t.Parallel()
				h := newModeHarness(t, mode)
				var bodies atomic.Int32
				cfg := streamConfig(h, verify, &bodies)
				var altered atomic.Bool
				var log partLog
				cfg.Sender = log.sender(answers(cfg.Sender, func(n int, hd map[string]string) {
					if n == 2 && hd[crcHeader] != "" && altered.CompareAndSwap(false, true) {
						v, _ := strconv.ParseUint(hd[crcHeader], 10, 64)
						hd[crcHeader] = strconv.FormatUint(v^1, 10)
					}
				}))
				e := h.engine(cfg)
				src := &countingSource{BytesSource: randomSource(t, "c.bin", 4*engine.MiB+9)}
				task, res, err := h.upload(e, src, engine.UploadOptions{Path: "/corrupt/"})
				require.True(t, altered.Load(), "no answer was altered")
				require.NoError(t, err)
				h.checkStored(res.Path, src.BytesSource)
				assert.Equal(t, []int{1, 2, 3, 4, 5}, log.sorted())
				checkMonotonic(t, h.events.of(task.ID()))
			})
		}
	}
}

// TestStreamedStoredCorrupt: a data plane that answers a part's CRC-64 right but stores
// other bytes fails the upload: nothing is stored under the name. Direct, the code is
// ChecksumMismatch; brokered, the token function's InvalidRequest (its providerCode says
// BadCrc64, which the engine does not read).
func TestStreamedStoredCorrupt(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			h := newModeHarness(t, mode)
			var bodies atomic.Int32
			cfg := streamConfig(h, "", &bodies)
			src := &countingSource{BytesSource: randomSource(t, "s.bin", 3*engine.MiB+9)}
			// Every attempt at part 2 stores flipped bytes; the answer claims the right CRC-64.
			next := cfg.Sender
			cfg.Sender = senderFunc(func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
				if partNumber(req.URL) != 2 {
					return next.SendPart(ctx, req)
				}
				b := make([]byte, req.Length)
				_, _ = src.BytesSource.ReadAt(b, req.Offset)
				right := hashes.CRC64(b)
				b[7] ^= 0xff
				r := *req
				r.Body = b
				resp, err := next.SendPart(ctx, &r)
				if err == nil && resp.Header[crcHeader] != "" {
					resp.Header[crcHeader] = strconv.FormatUint(right, 10)
				}
				return resp, err
			})
			e := h.engine(cfg)
			_, _, err := h.upload(e, src, engine.UploadOptions{Path: "/stored/"})
			require.Error(t, err)
			assert.Equal(t, engine.CodeChecksumMismatch, engine.Code(err))
			files, ferr := h.emu.Files(lib, "-")
			require.NoError(t, ferr)
			for _, f := range files {
				assert.NotEqual(t, prefix+"stored/s.bin", f.Path, "a file was stored")
			}
		})
	}
}

// TestStreamedResumeVerifiesKeptParts: after a reload, the parts acknowledged with the data
// plane's CRC-64 are read back from the local file and compared: a part whose bytes
// changed is sent again, the others are kept, and the file ends byte-identical.
func TestStreamedResumeVerifiesKeptParts(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			h := newModeHarness(t, mode)
			store := engine.NewMemoryStore()
			var bodies atomic.Int32
			src := &countingSource{BytesSource: randomSource(t, "r.bin", 6*engine.MiB+5)}

			cfg := streamConfig(h, "", &bodies)
			cfg.Concurrency, cfg.Checkpoints = 1, store
			started := make(chan struct{})
			cfg.Sender = holdAfter(cfg.Sender, 3, started)
			e, err := engine.New(cfg)
			require.NoError(t, err)
			_, err = e.UploadWithID(h.id(), src, engine.UploadOptions{Path: "/resume/"})
			require.NoError(t, err)
			select {
			case <-started:
			case <-time.After(time.Minute):
				t.Fatal("the upload never reached its fourth part")
			}
			e.Close()
			require.Zero(t, src.read.Load(), "bytes read before the reload")

			changed := &countingSource{BytesSource: &engine.BytesSource{FileName: src.FileName, Modified: src.Modified, Data: slices.Clone(src.Data)}}
			changed.Data[engine.MiB+10] ^= 0x5a // in part 2
			cfg = streamConfig(h, "", &bodies)
			cfg.Checkpoints = store
			var log partLog
			cfg.Sender = log.sender(cfg.Sender)
			e = h.engine(cfg)
			ctx := ctxTimeout(t, time.Minute)
			task := restoreOnly(t, ctx, e, changed)
			res, err := task.Wait(ctx)
			require.NoError(t, err)
			h.checkStored(res.Path, changed.BytesSource)
			assert.Equal(t, []int{2, 4, 5, 6, 7}, log.sorted(), "parts sent on resume (1 and 3 verified and kept)")
			assert.Equal(t, int64(3*engine.MiB), changed.read.Load(), "bytes read: the three acknowledged parts, once")
		})
	}
}
