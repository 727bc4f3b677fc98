package engine_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/wasm/engine"
	"github.com/ferry-upload/ferry/wasm/engine/native"
)

// hashLog records which blocks a hasher was asked for, and can hold blocks from an offset on.
type hashLog struct {
	mu      sync.Mutex
	offsets []int64
	holdAt  int64 // hold blocks at or after this offset (0: never)
	held    chan struct{}
	once    sync.Once
}

func (h *hashLog) HashBlock(ctx context.Context, src engine.Source, off, n int64, prefix, buf []byte) ([32]byte, error) {
	if h.holdAt > 0 && off >= h.holdAt {
		h.once.Do(func() { close(h.held) })
		<-ctx.Done()
		return [32]byte{}, ctx.Err()
	}
	h.mu.Lock()
	h.offsets = append(h.offsets, off)
	h.mu.Unlock()
	return native.Hasher{}.HashBlock(ctx, src, off, n, prefix, buf)
}

// TestHashingResumes: a reload in the middle of the full hash (quick upload, after the 202)
// keeps the chained-hash state in the checkpoint; the next page continues from the block where
// it stopped, never hashing the earlier blocks again, and completes by quick upload.
func TestHashingResumes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	src := randomSource(t, "big.bin", 8*engine.MiB+3)
	if err := h.emu.PutFile(lib, "-", "/elsewhere/big.bin", src.Data); err != nil {
		t.Fatal(err)
	}
	store := engine.NewMemoryStore()
	first := &hashLog{holdAt: 5 * engine.MiB, held: make(chan struct{})}
	cfg := h.config()
	cfg.Checkpoints, cfg.Hasher = store, first
	a, err := engine.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Upload(src, engine.UploadOptions{Path: "/h/"}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-first.held:
	case <-time.After(time.Minute):
		t.Fatal("hashing never reached block 6")
	}
	a.Close()
	ctx := ctxTimeout(t, time.Minute)
	cps, _ := store.List(ctx)
	if len(cps) != 1 || cps[0].Chain == nil || cps[0].Chain.Blocks != 5 || cps[0].Session != nil {
		t.Fatalf("checkpoint after the reload: %+v", cps)
	}

	second := &hashLog{}
	cfg = h.config()
	cfg.Checkpoints, cfg.Hasher = store, second
	task := restoreOnly(t, ctx, h.engine(cfg), src)
	res, err := task.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Rapid {
		t.Fatalf("result %+v: want a quick upload", res)
	}
	// Block 0 again (the beginning hash identifies the file), then blocks 5..8 only.
	want := []int64{0, 5 * engine.MiB, 6 * engine.MiB, 7 * engine.MiB, 8 * engine.MiB}
	if got := second.offsets; !slices.Equal(got, want) {
		t.Fatalf("blocks hashed after the reload at %v; want %v", got, want)
	}
	if cps, _ := store.List(ctx); len(cps) != 0 {
		t.Fatalf("checkpoints left: %v", cps)
	}
}

// flakySource fails its first reads as a browser does with a File briefly unreadable
// (NotReadableError).
type flakySource struct {
	*engine.BytesSource
	failures atomic.Int32
}

func (f *flakySource) ReadAt(p []byte, off int64) (int, error) {
	if f.failures.Add(-1) >= 0 {
		return 0, errors.New("NotReadableError: the file could not be read")
	}
	return f.BytesSource.ReadAt(p, off)
}

// TestReadFailureRetried: failed reads are retried like network errors; too many fail the
// file with ReadError.
func TestReadFailureRetried(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cfg := h.config()
	cfg.Clock = &vclock{}
	e := h.engine(cfg)
	src := &flakySource{BytesSource: randomSource(t, "flaky.bin", 3*engine.MiB)}
	src.failures.Store(4)
	_, res, err := h.upload(e, src, engine.UploadOptions{Path: "/flaky/"})
	if err != nil {
		t.Fatal(err)
	}
	h.checkStored(res.Path, src.BytesSource)

	src = &flakySource{BytesSource: randomSource(t, "dead.bin", 10)}
	src.failures.Store(1000)
	if _, _, err := h.upload(e, src, engine.UploadOptions{Path: "/flaky/"}); engine.Code(err) != engine.CodeReadError {
		t.Fatalf("unreadable file: %v; want ReadError", err)
	}
}
