package smhemu_test

import (
	"crypto/md5"
	"encoding/hex"
	"io"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

// genReader yields n bytes repeating a 64 KiB random block, without holding them.
type genReader struct {
	block []byte
	n     int64
	off   int64
}

func newGenReader(n int64) *genReader { return &genReader{block: random(64<<10, 5), n: n} }

func (g *genReader) Read(p []byte) (int, error) {
	if g.off >= g.n {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), g.n-g.off)]
	for i := 0; i < len(p); {
		k := copy(p[i:], g.block[(g.off+int64(i))%int64(len(g.block)):])
		i += k
	}
	g.off += int64(len(p))
	return len(p), nil
}

// TestLargePartMemory streams a 256 MiB part through the disk store and checks that the
// process allocates a small fraction of it: the part is never held in memory.
func TestLargePartMemory(t *testing.T) {
	const size = 256 << 20
	e := newEnv(t, smhemu.Options{DataDir: t.TempDir()})
	tok := e.devToken("upload_file")
	_, ui := e.begin(tok, "big.bin", true, "", nil)
	req, _ := http.NewRequest("PUT", "http://"+ui.Domain+ui.Path+"?partNumber=1&uploadId="+ui.UploadID, newGenReader(size))
	req.ContentLength = size
	for k, v := range ui.Headers {
		req.Header.Set(k, v)
	}

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() { // sample the live heap while the part streams
		defer close(sampled)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
		}
	}()
	start := time.Now()
	resp, err := e.hc.Do(req)
	elapsed := time.Since(start)
	close(stop)
	<-sampled
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	runtime.ReadMemStats(&after)
	if resp.StatusCode != 200 {
		t.Fatalf("PUT: %d", resp.StatusCode)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	growth := int64(peak.Load()) - int64(before.HeapInuse)
	t.Logf("256 MiB part in %v: %.1f MiB allocated in total, live heap grew by at most %.1f MiB",
		elapsed.Round(time.Millisecond), float64(allocated)/(1<<20), float64(max(growth, 0))/(1<<20))
	if allocated > size/16 || growth > size/16 {
		t.Fatalf("the part went through memory: %d bytes allocated, heap grew %d", allocated, growth)
	}
	// The stored bytes are the sent ones (MD5 is quick, also under the race detector).
	want, block := md5.New(), newGenReader(0).block
	for range size / len(block) {
		want.Write(block)
	}
	if got := resp.Header.Get("ETag"); got != `"`+hex.EncodeToString(want.Sum(nil))+`"` {
		t.Fatalf("ETag %s", got)
	}
	// Confirm reads and copies nothing either.
	runtime.ReadMemStats(&before)
	a := e.task("POST", tok, ui.ConfirmKey, "confirm", map[string]string{"crc64": resp.Header.Get("x-cos-hash-crc64ecma")})
	runtime.ReadMemStats(&after)
	expect(t, a, 200, "")
	if d := after.TotalAlloc - before.TotalAlloc; d > 4<<20 {
		t.Fatalf("confirm allocated %d bytes", d)
	}
}
