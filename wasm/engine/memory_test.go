package engine_test

import (
	"context"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/smhemu"
	"github.com/ferry-upload/ferry/wasm/engine"
)

// Heap ceilings for a 1 GiB upload with the default options (8 MiB parts, 4 in flight),
// measured for the whole test process: the engine, its HTTP client and the in-process
// emulator (storing on disk). LiveHeapCeiling bounds the live heap (runtime/metrics
// /gc/heap/live:bytes): the pool's 4 × 8 MiB part buffers and 2 × 1 MiB block buffers are
// 34 MiB of it. HeapInuseCeiling bounds HeapInuse, garbage included, at the default GOGC.
// Neither grows with the file size.
const (
	LiveHeapCeiling  = 48 << 20
	HeapInuseCeiling = 96 << 20
)

// TestMemoryCeiling1GiB uploads 1 GiB (a generated file that occupies no memory) to the
// emulator in disk mode and samples the heap throughout: HeapInuse never exceeds
// HeapCeiling. Skipped with -short (the GOOS=js tier, scripts/lib/tier-wasm.sh); scripts/test
// runs it natively, under -race.
func TestMemoryCeiling1GiB(t *testing.T) {
	if testing.Short() {
		t.Skip("1 GiB upload: run without -short (scripts/test does)")
	}
	h := newHarness(t, func(o *smhemu.Options) { o.DataDir = t.TempDir() })
	cfg := h.config()
	cfg.PartSize, cfg.SimpleThreshold = 0, 0 // the defaults: 8 MiB parts
	cfg.OnEvent = nil
	e := h.engine(cfg)
	src := newPatternSource("one-gib.bin", 1<<30)

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak, peakLive atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			metrics.Read(live)
			peak.Store(max(peak.Load(), ms.HeapInuse))
			peakLive.Store(max(peakLive.Load(), live[0].Value.Uint64()))
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	// The upload is CPU-bound (CRC-64 on both sides): under -race on a busy 2-core machine it
	// takes minutes, so it may take until the test binary's own deadline (not h.upload's).
	ctx := context.Background()
	if d, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d.Add(-10*time.Second))
		defer cancel()
	}
	start := time.Now()
	task, err := e.UploadWithID(h.id(), src, engine.UploadOptions{Path: "/big/"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := task.Wait(ctx)
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	const mib = 1 << 20
	t.Logf("1 GiB in %v (%.0f MB/s); peak live heap %.1f MiB (ceiling %d), peak HeapInuse %.1f MiB (ceiling %d), allocated %.0f MiB in all",
		elapsed.Round(time.Millisecond), float64(1<<30)/elapsed.Seconds()/1e6, float64(peakLive.Load())/mib, LiveHeapCeiling/mib,
		float64(peak.Load())/mib, HeapInuseCeiling/mib, float64(after.TotalAlloc-before.TotalAlloc)/mib)
	if peakLive.Load() > LiveHeapCeiling || peak.Load() > HeapInuseCeiling {
		t.Fatalf("peak live heap %d MiB (ceiling %d), HeapInuse %d MiB (ceiling %d)", peakLive.Load()/mib, LiveHeapCeiling/mib, peak.Load()/mib, HeapInuseCeiling/mib)
	}
	h.checkStored(res.Path, src)
}
