package smhemu_test

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

// BenchmarkUploadCycle: one begin / PUT / confirm of a 1 KiB file per op, in memory and
// with a data directory (empty, or already holding 2000 files: whole-state rewrites grow
// with the state, journal records do not).
func BenchmarkUploadCycle(b *testing.B) {
	for _, c := range []struct {
		name  string
		disk  bool
		files int
	}{{"memory", false, 0}, {"disk", true, 0}, {"disk-2000files", true, 2000}} {
		b.Run(c.name, func(b *testing.B) {
			opts := smhemu.Options{}
			if c.disk {
				opts.DataDir = b.TempDir()
			}
			emu, err := smhemu.New(opts)
			if err != nil {
				b.Fatal(err)
			}
			defer emu.Close()
			for i := range c.files {
				if err := emu.PutFile("smhdev", "-", fmt.Sprintf("pre/%d.bin", i), []byte("x")); err != nil {
					b.Fatal(err)
				}
			}
			ts := httptest.NewServer(emu)
			defer ts.Close()
			e := &env{t: b, emu: emu, base: ts.URL, hc: ts.Client()}
			tok := e.devToken("upload_file")
			data := pattern(1024)
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if a := e.upload(tok, fmt.Sprintf("f%d.bin", i), data, ""); a.status != 200 {
					b.Fatalf("confirm: %d %s", a.status, a.body)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "uploads/s")
		})
	}
}
