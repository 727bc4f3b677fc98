package engine_test

import (
	"fmt"
	"testing"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// TestSizes uploads the edge sizes: empty, one byte, around the 1 MiB quick-upload and part
// boundary, around the simple-upload threshold, and many parts with an odd tail.
func TestSizes(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			h := newModeHarness(t, mode)
			const mib = engine.MiB
			cases := []struct {
				size      int
				threshold int64
			}{
				{0, 0}, {1, 0}, {mib - 1, 0}, {mib, 0}, {mib + 1, 0},
				{engine.DefaultSimpleThreshold - 1, engine.DefaultSimpleThreshold},
				{engine.DefaultSimpleThreshold, engine.DefaultSimpleThreshold},
				{engine.DefaultSimpleThreshold + 1, engine.DefaultSimpleThreshold},
				{5*mib + mib/2 + 3, 0}, // six 1 MiB parts, the last odd
			}
			for _, c := range cases {
				t.Run(fmt.Sprint(c.size), func(t *testing.T) {
					cfg := h.config()
					if c.threshold > 0 {
						cfg.SimpleThreshold, cfg.PartSize = c.threshold, engine.DefaultPartSize
					}
					e := h.engine(cfg)
					src := randomSource(t, fmt.Sprintf("f%d.bin", c.size), c.size)
					task, res, err := h.upload(e, src, engine.UploadOptions{Path: "/sizes/"})
					if err != nil {
						t.Fatal(err)
					}
					want := fmt.Sprintf("%ssizes/f%d.bin", prefix, c.size)
					if res.Path != want || res.Size != int64(c.size) || res.Rapid {
						t.Fatalf("result %+v, want path %s size %d", res, want, c.size)
					}
					if task.State() != engine.StateDone {
						t.Fatalf("state %s", task.State())
					}
					h.checkStored(want, src)
					if f := h.file(want); f.CRC64 != res.CRC64 {
						t.Fatalf("crc64 %s, stored %s", res.CRC64, f.CRC64)
					}
					checkMonotonic(t, h.events.of(task.ID()))
				})
			}
			if ups := h.openUploads(); len(ups) != 0 {
				t.Fatalf("open uploads left: %v", ups)
			}
		})
	}
}
