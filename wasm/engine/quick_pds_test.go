package engine_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/hashes/sha1sum"
	"github.com/ferry-upload/ferry/wasm/engine"
	"github.com/ferry-upload/ferry/wasm/engine/drivertest"
)

// pdsQuick is the PDS harness (emulator, real function) with a record of the begins the
// engine sent and of its events.
type pdsQuick struct {
	*pdsHarness
	t      *testing.T
	begins beginLog
	events eventLog
}

func newPDSQuick(t *testing.T, policy string) *pdsQuick {
	t.Helper()
	h := newPDSHarness(t).(*pdsHarness)
	h.policy = policy
	return &pdsQuick{pdsHarness: h, t: t}
}

// config is an engine config whose function requests are recorded.
func (q *pdsQuick) config() engine.Config {
	cfg := q.Config(q.t, drivertest.ConfigOptions{Control: q.begins.wrap})
	cfg.OnEvent = q.events.add
	return cfg
}

func (q *pdsQuick) engine(cfg engine.Config) *engine.Engine {
	q.t.Helper()
	e, err := engine.New(cfg)
	if err != nil {
		q.t.Fatal(err)
	}
	q.t.Cleanup(e.Close)
	return e
}

func (q *pdsQuick) upload(e *engine.Engine, src engine.Source, dir string) (*engine.Task, *engine.Result) {
	q.t.Helper()
	task, err := e.Upload(src, engine.UploadOptions{Path: dir})
	if err != nil {
		q.t.Fatal(err)
	}
	res, err := task.Wait(ctxTimeout(q.t, 2*time.Minute))
	if err != nil {
		q.t.Fatalf("upload of %s: %v", src.Name(), err)
	}
	return task, res
}

// store puts data at dir/name by a plain upload (quick upload off), as another user's copy.
func (q *pdsQuick) store(dir, name string, data []byte) {
	q.t.Helper()
	cfg := q.Config(q.t, drivertest.ConfigOptions{})
	cfg.Options.DisableQuickUpload = true
	q.upload(q.engine(cfg), &engine.BytesSource{FileName: name, Data: data, Modified: 1}, dir)
}

func (q *pdsQuick) dataPlaneBytes() uint64 { return q.srv.Emulator().Stats().DataPlane.BytesReceived }

// checkStored asserts the drive holds exactly data at path.
func (q *pdsQuick) checkStored(path string, data []byte) {
	q.t.Helper()
	files, err := q.srv.Emulator().Files(q.srv.Emulator().DefaultDrive("u1"))
	if err != nil {
		q.t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	for _, f := range files {
		if f.Path == path {
			if f.Size != int64(len(data)) || f.SHA256 != hex.EncodeToString(sum[:]) {
				q.t.Fatalf("%s: %d bytes, sha256 %s; want %d bytes, %x", path, f.Size, f.SHA256, len(data), sum)
			}
			return
		}
	}
	q.t.Fatalf("%s is not stored: %+v", path, files)
}

// beginLog records the hashes of every begin (POST /v1/uploads) and the code it was answered.
type beginLog struct {
	mu     sync.Mutex
	hashes []map[string]string
	codes  []string
}

func (l *beginLog) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method != "POST" || r.URL.Path != "/v1/uploads" || r.Body == nil {
			return next.RoundTrip(r)
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var b struct {
			Hashes map[string]string `json:"hashes"`
		}
		_ = json.Unmarshal(body, &b)
		resp, err := next.RoundTrip(r)
		code := "error"
		if err == nil {
			rb, _ := io.ReadAll(resp.Body)
			resp.Body = io.NopCloser(bytes.NewReader(rb))
			var a struct {
				Code string `json:"code"`
			}
			_ = json.Unmarshal(rb, &a)
			code = a.Code
		}
		l.mu.Lock()
		l.hashes, l.codes = append(l.hashes, b.Hashes), append(l.codes, code)
		l.mu.Unlock()
		return resp, err
	})
}

// sent lists, per begin, the names of the hashes it carried, and the codes answered.
func (l *beginLog) sent() (names [][]string, codes []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, h := range l.hashes {
		var n []string
		for _, k := range []string{"preHash", "sha1", "beginningHash", "fullHash"} {
			if _, ok := h[k]; ok {
				n = append(n, k)
			}
		}
		names = append(names, n)
	}
	return names, append([]string(nil), l.codes...)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestPDSQuickUpload: brokered PDS uploads send the SHA-1 of their first KiB at begin; when
// PDS knows it, the whole file's SHA-1 (streamed in Go), and a stored file with those bytes
// completes the upload with none sent. Files under QuickUploadMinSize send no hashes.
func TestPDSQuickUpload(t *testing.T) {
	t.Parallel()
	const size = 3*engine.MiB + 123
	type stored struct {
		dir  string
		data func(src []byte) []byte
	}
	same := func(src []byte) []byte { return src }
	for _, tc := range []struct {
		name    string
		size    int
		stored  *stored
		rapid   bool
		hashes  [][]string // the hashes of each begin, in order
		hashing int        // times the task entered state hashing
	}{
		{name: "hit", size: size, stored: &stored{"/elsewhere/", same}, rapid: true,
			hashes: [][]string{{"preHash"}, {"preHash", "sha1"}}, hashing: 2},
		{name: "preHash matches, content does not", size: size,
			stored: &stored{"/elsewhere/", func(src []byte) []byte {
				other := bytes.Clone(src)
				other[2*engine.MiB+5] ^= 0xff
				return other
			}},
			hashes: [][]string{{"preHash"}, {"preHash", "sha1"}}, hashing: 2},
		{name: "preHash misses", size: size,
			stored: &stored{"/elsewhere/", func(src []byte) []byte {
				other := bytes.Clone(src)
				other[1000] ^= 0xff
				return other
			}},
			hashes: [][]string{{"preHash"}}, hashing: 1},
		{name: "no stored file", size: size, hashes: [][]string{{"preHash"}}, hashing: 1},
		{name: "under 1 KiB", size: 700, stored: &stored{"/elsewhere/", same}, hashes: [][]string{nil}, hashing: 1},
		{name: "exactly 1 KiB", size: 1024, stored: &stored{"/elsewhere/", same}, hashes: [][]string{nil}, hashing: 1},
		{name: "empty", size: 0, stored: &stored{"/elsewhere/", same}, hashes: [][]string{nil}, hashing: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q := newPDSQuick(t, "")
			src := randomSource(t, "f.bin", tc.size)
			if tc.stored != nil {
				q.store(tc.stored.dir, "orig.bin", tc.stored.data(src.Data))
			}
			before := q.dataPlaneBytes()
			task, res := q.upload(q.engine(q.config()), src, "/q/")
			sent := q.dataPlaneBytes() - before
			if res.Rapid != tc.rapid || res.Path != prefix+"q/f.bin" {
				t.Fatalf("result %+v; want rapid %v at %sq/f.bin", res, tc.rapid, prefix)
			}
			switch {
			case tc.rapid && sent != 0:
				t.Fatalf("data plane received %d bytes; a quick upload sends none", sent)
			case !tc.rapid && sent != uint64(tc.size):
				t.Fatalf("data plane received %d bytes; want the file's %d", sent, tc.size)
			}
			q.checkStored(prefix+"q/f.bin", src.Data)
			names, codes := q.begins.sent()
			if len(names) != len(tc.hashes) {
				t.Fatalf("begins sent hashes %v (answered %v); want %v", names, codes, tc.hashes)
			}
			for i := range names {
				if !equalNames(names[i], tc.hashes[i]) {
					t.Fatalf("begins sent hashes %v (answered %v); want %v", names, codes, tc.hashes)
				}
			}
			hashing := 0
			for _, ev := range q.events.of(task.ID()) {
				if ev.Kind == engine.EventState && ev.Task.State == engine.StateHashing {
					hashing++
				}
			}
			if hashing != tc.hashing {
				t.Fatalf("state hashing entered %d times; want %d", hashing, tc.hashing)
			}
			checkMonotonic(t, q.events.of(task.ID()))
		})
	}
}

func equalNames(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPDSQuickUploadOff: a role without quick upload, or an engine with it off, sends no
// hash, even for a file PDS could complete from one; the bytes go.
func TestPDSQuickUploadOff(t *testing.T) {
	t.Parallel()
	offPolicy := `{"roles":{"uploader":{"grants":["begin_upload"],"mode":"brokered","quickUpload":false,` +
		`"pathPrefix":"` + prefix + `"}}}`
	for _, tc := range []struct {
		name      string
		policy    string
		engineOff bool
	}{
		{name: "role", policy: offPolicy},
		{name: "engine", engineOff: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q := newPDSQuick(t, tc.policy)
			src := randomSource(t, "f.bin", 2*engine.MiB+5)
			q.store("/elsewhere/", "orig.bin", src.Data)
			cfg := q.config()
			cfg.Options.DisableQuickUpload = tc.engineOff
			before := q.dataPlaneBytes()
			_, res := q.upload(q.engine(cfg), src, "/q/")
			if res.Rapid {
				t.Fatalf("result %+v: quick upload is off", res)
			}
			if sent := q.dataPlaneBytes() - before; sent != uint64(len(src.Data)) {
				t.Fatalf("data plane received %d bytes; want %d", sent, len(src.Data))
			}
			q.checkStored(prefix+"q/f.bin", src.Data)
			if names, _ := q.begins.sent(); len(names) != 1 || len(names[0]) != 0 {
				t.Fatalf("begins sent hashes %v; want one begin with none", names)
			}
		})
	}
}

// holdSource counts the bytes read and holds the first read at or after holdAt until
// released, then fails it (the page goes away mid-read).
type holdSource struct {
	*engine.BytesSource
	holdAt        int64 // 0: never
	held, release chan struct{}
	once          sync.Once
	read          atomic.Int64
}

func (s *holdSource) ReadAt(p []byte, off int64) (int, error) {
	if s.holdAt > 0 && off >= s.holdAt {
		s.once.Do(func() { close(s.held) })
		<-s.release
		return 0, errors.New("NotReadableError: the page went away")
	}
	s.read.Add(int64(len(p)))
	return s.BytesSource.ReadAt(p, off)
}

// TestPDSHashingResumes: a reload in the middle of the whole file's SHA-1 keeps its state in
// the checkpoint; the next page hashes only the first KiB (preHash) and the bytes from where
// the SHA-1 stopped, and completes by quick upload.
func TestPDSHashingResumes(t *testing.T) {
	t.Parallel()
	q := newPDSQuick(t, "")
	src := randomSource(t, "big.bin", 8*engine.MiB+3)
	q.store("/elsewhere/", "orig.bin", src.Data)
	store := engine.NewMemoryStore()
	first := &holdSource{BytesSource: src, holdAt: 5 * engine.MiB, held: make(chan struct{}), release: make(chan struct{})}
	cfg := q.config()
	cfg.Checkpoints = store
	a, err := engine.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	task, err := a.Upload(first, engine.UploadOptions{Path: "/h/"})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-first.held:
	case <-time.After(time.Minute):
		t.Fatal("hashing never reached 5 MiB")
	}
	if err := task.Pause(); err != nil {
		t.Fatal(err)
	}
	close(first.release)
	a.Close()
	ctx := ctxTimeout(t, time.Minute)
	cps, _ := store.List(ctx)
	if len(cps) != 1 || cps[0].Session != nil || cps[0].SHA1 == "" {
		t.Fatalf("checkpoint after the reload: %+v", cps)
	}
	if st, err := hex.DecodeString(cps[0].SHA1); err != nil {
		t.Fatal(err)
	} else if d, err := sha1sum.Restore(st); err != nil || d.Len() != 5*engine.MiB {
		t.Fatalf("checkpointed SHA-1 state: %v, %d bytes hashed; want 5 MiB", err, d.Len())
	}

	second := &holdSource{BytesSource: src}
	cfg = q.config()
	cfg.Checkpoints = store
	res, err := restoreOnly(t, ctx, q.engine(cfg), second).Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Rapid {
		t.Fatalf("result %+v: want a quick upload", res)
	}
	if got, want := second.read.Load(), int64(1024+len(src.Data)-5*engine.MiB); got != want {
		t.Fatalf("read %d bytes after the reload; want %d (the first KiB, then from 5 MiB on)", got, want)
	}
	q.checkStored(prefix+"h/big.bin", src.Data)
	if cps, _ := store.List(ctx); len(cps) != 0 {
		t.Fatalf("checkpoints left: %v", cps)
	}
}
