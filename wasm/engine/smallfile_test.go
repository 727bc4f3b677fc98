package engine_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// countingHasher counts the blocks hashed (in a browser each is a read and a digest).
type countingHasher struct {
	engine.BlockHasher
	n atomic.Int32
}

func (c *countingHasher) HashBlock(ctx context.Context, src engine.Source, off, n int64, prefix, buf []byte) ([32]byte, error) {
	c.n.Add(1)
	return c.BlockHasher.HashBlock(ctx, src, off, n, prefix, buf)
}

// TestSmallFileNoHash (issue 12, item 2): a file no quick upload is tried for (below
// QuickUploadMinSize, or quick upload off) is not hashed at all; one it is tried for has its
// first block hashed, in both modes.
func TestSmallFileNoHash(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{engine.ModeDirect, engine.ModeBrokered} {
		for _, c := range []struct {
			name     string
			size     int
			quickOff bool
			blocks   int32
		}{
			{"small", 100_000, false, 0},
			{"large-quick-off", 2*engine.MiB + 1, true, 0},
			{"large", 2*engine.MiB + 1, false, 1},
		} {
			t.Run(mode+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				h := newModeHarness(t, mode)
				cfg := h.config()
				ch := &countingHasher{BlockHasher: cfg.Hasher}
				cfg.Hasher = ch
				cfg.DisableQuickUpload = c.quickOff
				src := randomSource(t, c.name+".bin", c.size)
				_, _, err := h.upload(h.engine(cfg), src, engine.UploadOptions{Path: "/small/"})
				require.NoError(t, err)
				h.checkStored(prefix+"small/"+c.name+".bin", src)
				assert.Equal(t, c.blocks, ch.n.Load(), "blocks hashed")
			})
		}
	}
}
