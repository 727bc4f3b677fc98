package drivertest

import (
	"slices"
	"testing"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// testEdgeSizes: files of 0 and 1 byte, one byte short of a part, a part, one byte more,
// and several parts are stored byte-identical, cut as the harness says.
func testEdgeSizes(t *testing.T, newHarness HarnessMaker) {
	for _, c := range []struct {
		name string
		size func(part int64) int64
	}{
		{"empty", func(int64) int64 { return 0 }},
		{"one-byte", func(int64) int64 { return 1 }},
		{"part-minus-one", func(p int64) int64 { return p - 1 }},
		{"part", func(p int64) int64 { return p }},
		{"part-plus-one", func(p int64) int64 { return p + 1 }},
		{"several-parts", func(p int64) int64 { return 3*p + 7 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := newRun(t, newHarness)
			cfg := r.config(ConfigOptions{})
			log := &sendLog{next: cfg.Sender}
			cfg.Sender = log
			e := r.engine(cfg)
			size := c.size(r.part)
			src := r.source("f.bin", size)
			task, res, err := r.upload(e, src, engine.UploadOptions{Path: "/sizes/"})
			r.checkDone(task, res, err, r.full("sizes/f.bin"), src)
			r.checkFiles(r.full("sizes/"), 1)
			if size == 0 {
				return // an empty file may be stored without a body
			}
			if got, want := log.spans(0, taken), cut(size, r.part); !slices.Equal(got, want) {
				t.Fatalf("parts the data plane took %v; want %v", got, want)
			}
		})
	}
}
